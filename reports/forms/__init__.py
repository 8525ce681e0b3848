"""The forms of the reports pages: choosing a download, naming the next wave."""
