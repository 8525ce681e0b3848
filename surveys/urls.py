"""Every page of the staff survey, in three namespaces (`poet.urls` includes this module once):

- ``survey_patterns``: evaluator and manager pages of a wave's survey,
  /p/<partnership>/waves/<wave>/survey/ (namespace "surveys"). Design items are addressed as
  ?code=<item code> and sections as ?section=<position>, so every route takes only the
  partnership and the wave;
- ``context_patterns``: the partnership context tools of a wave,
  /p/<partnership>/waves/<wave>/context/ (namespace "context");
- ``respond_patterns``: pages for someone answering (no account), /s/ (namespace "respond").
"""

from django.urls import include, path

from surveys.views import (
    answering,
    context,
    design,
    headcounts,
    invitations,
    languages,
    preview,
    responses,
)

survey_patterns = [
    path("responses/", responses.responses, name="responses"),
    path("preview/", preview.preview, name="preview"),
    # design
    path("design/", design.overview, name="design"),
    path("design/create/", design.create, name="create"),
    path("design/texts/", design.edit_texts, name="edit_texts"),
    path("design/outcomes/", design.outcomes, name="outcomes"),
    path("design/item/", design.edit_item, name="edit_item"),
    path("design/item/add/", design.add_item, name="add_item"),
    path("design/item/remove/", design.remove_item, name="remove_item"),
    path("design/move/", design.move, name="move"),
    path("design/section/", design.edit_section, name="edit_section"),
    path("design/section/add/", design.add_section, name="add_section"),
    path("design/section/remove/", design.remove_section, name="remove_section"),
    path("design/publish/", design.publish, name="publish"),
    path("open/", design.open_, name="open"),
    path("close/", design.close, name="close"),
    path("closing-date/", design.closing_date, name="closing_date"),
    # invitations and the open link
    path("invitations/", invitations.invitations, name="invitations"),
    path("invitations/example.csv", invitations.example, name="invitations_example"),
    path("invitations/add/", invitations.add_person, name="invitations_add"),
    path("invitations/people/", invitations.people, name="invitations_people"),
    path("invitations/preview/", invitations.preview, name="invitations_preview"),
    path("invitations/send/", invitations.send, name="invitations_send"),
    path("invitations/remind/", invitations.remind, name="invitations_remind"),
    path("invitations/open-link/", invitations.open_link, name="open_link"),
    path("invitations/open-link/off/", invitations.open_link_off, name="open_link_off"),
    path("invitations/open-link/limit/", invitations.open_link_limit, name="open_link_limit"),
    path("invitations/purge/", invitations.purge, name="invitations_purge"),
    # headcounts of the open link
    path("headcounts/", headcounts.headcounts, name="headcounts"),
    path("headcounts/awaiting/", headcounts.awaiting, name="awaiting"),
    # languages and translations
    path("languages/", languages.languages, name="languages"),
    path("languages/import/", languages.upload, name="languages_import"),
    path("languages/<str:language>/texts.po", languages.download, name="languages_download"),
]

TOOLS = ("integration", "relationships", "importance")

context_patterns = [
    path("", context.results, name="results"),
    path("leads/", context.leads, name="leads"),
    path("lead/", context.lead_start, name="lead"),
    *[path(f"lead/{t}/", context.lead_tool, {"tool": t}, name=f"lead_{t}") for t in TOOLS],
    *[path(f"edit/{t}/", context.edit, {"tool": t}, name=f"edit_{t}") for t in TOOLS],
]

respond_patterns = [
    path("", answering.survey, name="survey"),
    path("section/<int:number>/", answering.section, name="section"),
    path("review/", answering.review, name="review"),
    path("saved/", answering.saved, name="saved"),
    path("thank-you/", answering.thanks, name="thanks"),
    path("easy-read/", answering.easy_read, name="easy_read"),
    path("p/<str:token>/", answering.participant, name="participant"),
    path("open/<str:token>/", answering.open_link, name="open"),
    path("resume/<str:token>/", answering.resume, name="resume"),
    path("<str:token>/", answering.start, name="start"),
]

WAVE = "p/<slug:partnership>/waves/<slug:wave>/"

urlpatterns = [
    path("s/", include((respond_patterns, "respond"))),
    path(f"{WAVE}survey/", include((survey_patterns, "surveys"))),
    path(f"{WAVE}context/", include((context_patterns, "context"))),
]
