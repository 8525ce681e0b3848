// Progressive enhancement only: draws each report chart from the Plotly figure embedded in the
// page with json_script. Without JavaScript (or if Plotly fails to load) the tables beside the
// charts carry every figure.
(function () {
  "use strict";
  if (typeof window.Plotly === "undefined") return;
  var config = { displayModeBar: false, responsive: true };
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) return;
    try {
      var figure = JSON.parse(source.textContent);
      if (element.clientWidth < 560) {
        // On a phone the heading above the chart names it; the plot keeps its width.
        // Its own margins stay: the legend and wrapped labels need them.
        figure.layout.title = { text: "" };
        figure.layout.margin = Object.assign({}, figure.layout.margin, { t: 20 });
      }
      window.Plotly.newPlot(element, figure.data, figure.layout, config);
    } catch (error) {
      // A chart that cannot be drawn leaves its table, which holds the same numbers.
      if (window.console) window.console.error(error);
    }
  });
})();
