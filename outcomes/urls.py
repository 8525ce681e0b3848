"""Follow-up pages of one wave, under /p/<partnership>/waves/<wave>/ (namespace "outcomes"):
the schedule, participants and captured answers under follow-up/, and the outcome shortlist
(staff figures, choices, proposals) under shortlist/.

Like the survey pages, every route takes only the partnership and the wave: a session, a chosen
outcome, a proposal, a source, a theme or a coding is addressed as ?session=<id>, ?chosen=<id>,
?proposal=<id>, ?source=<id>, ?theme=<id> or ?coding=<id>.
"""

from django.urls import path

from outcomes.views import (
    capture,
    codebook,
    coding,
    exchange,
    participants,
    schedule,
    shortlist,
    sources,
    themes,
)

app_name = "outcomes"

FOLLOW_UP = "follow-up/"
SHORTLIST = "shortlist/"

urlpatterns = [
    # the schedule
    path(FOLLOW_UP, schedule.schedule, name="schedule"),
    path(f"{FOLLOW_UP}create/", schedule.create, name="create_schedule"),
    path(f"{FOLLOW_UP}methods/", schedule.methods, name="methods"),
    path(f"{FOLLOW_UP}outcomes/add/", schedule.add_outcome, name="add_outcome"),
    path(f"{FOLLOW_UP}outcomes/remove/", schedule.remove_outcome, name="remove_outcome"),
    path(f"{FOLLOW_UP}sessions/add/", schedule.add_session, name="add_session"),
    path(f"{FOLLOW_UP}sessions/change/", schedule.edit_session, name="edit_session"),
    path(f"{FOLLOW_UP}sessions/remove/", schedule.remove_session, name="remove_session"),
    path(
        f"{FOLLOW_UP}questionnaire/",
        schedule.generate_questionnaire,
        name="generate_questionnaire",
    ),
    path(f"{FOLLOW_UP}open/", schedule.open_schedule, name="open_schedule"),
    path(f"{FOLLOW_UP}close/", schedule.close_schedule, name="close_schedule"),
    path(
        f"{FOLLOW_UP}guides/interview.pdf",
        schedule.guide,
        {"kind": "interview"},
        name="interview_guide",
    ),
    path(
        f"{FOLLOW_UP}guides/focus-group.pdf",
        schedule.guide,
        {"kind": "focus-group"},
        name="focus_group_guide",
    ),
    # participants and their answers
    path(f"{FOLLOW_UP}participants/", participants.participants, name="participants"),
    path(f"{FOLLOW_UP}participants.csv", participants.export, name="participants_export"),
    path(f"{FOLLOW_UP}participants/<str:code>/", participants.participant, name="participant"),
    path(
        f"{FOLLOW_UP}participants/<str:code>/link/",
        participants.link,
        name="participant_link",
    ),
    path(
        f"{FOLLOW_UP}participants/<str:code>/withdraw/",
        participants.withdraw,
        name="participant_withdraw",
    ),
    path(
        f"{FOLLOW_UP}participants/<str:code>/answers/",
        capture.assisted_entry,
        name="assisted_entry",
    ),
    path(f"{FOLLOW_UP}import/", capture.import_page, name="import_answers"),
    # qualitative sources: notes and transcripts of sessions, masked and confirmed
    path(f"{FOLLOW_UP}sources/", sources.sources, name="sources"),
    path(f"{FOLLOW_UP}sources/add/", sources.add_source, name="add_source"),
    path(f"{FOLLOW_UP}sources/answers/", sources.collect_answers, name="collect_answers"),
    path(f"{FOLLOW_UP}sources/review/", sources.source, name="source"),
    path(f"{FOLLOW_UP}sources/confirm/", sources.confirm_source, name="confirm_source"),
    path(f"{FOLLOW_UP}sources/original/", sources.original_file, name="source_original"),
    path(
        f"{FOLLOW_UP}sources/original/delete/",
        sources.delete_original_file,
        name="delete_source_original",
    ),
    # the codebook and coding (?theme=<id>, ?source=<id>, ?coding=<id>)
    path(f"{FOLLOW_UP}codebook/", codebook.codebook, name="codebook"),
    path(f"{FOLLOW_UP}codebook/outcomes/", codebook.seed_codebook, name="seed_codebook"),
    path(f"{FOLLOW_UP}codebook/add/", codebook.add_theme, name="add_theme"),
    path(f"{FOLLOW_UP}codebook/theme/", codebook.theme, name="theme"),
    path(f"{FOLLOW_UP}codebook/theme/merge/", codebook.merge_theme, name="merge_theme"),
    path(f"{FOLLOW_UP}codebook/theme/propose/", codebook.propose_theme, name="propose_theme"),
    path(f"{FOLLOW_UP}codebook/theme/remove/", codebook.remove_theme, name="remove_theme"),
    path(f"{FOLLOW_UP}codebook/project.qdpx", exchange.download_project, name="download_qdpx"),
    path(f"{FOLLOW_UP}codebook/codebook.qdc", exchange.download_codebook, name="download_qdc"),
    path(f"{FOLLOW_UP}codebook/import/", exchange.import_codebook, name="import_codebook"),
    path(f"{FOLLOW_UP}coding/", coding.code_source, name="code_source"),
    path(f"{FOLLOW_UP}coding/selection/", coding.code_selection, name="code_selection"),
    path(f"{FOLLOW_UP}coding/done/", coding.coding_done, name="coding_done"),
    path(f"{FOLLOW_UP}coding/passage/", coding.coding, name="coding"),
    path(f"{FOLLOW_UP}coding/passage/remove/", coding.remove_coding, name="remove_coding"),
    path(f"{FOLLOW_UP}coding/passage/quote/", coding.pick_quote, name="pick_quote"),
    path(f"{FOLLOW_UP}coding/passage/unquote/", coding.unpick_quote, name="unpick_quote"),
    path(f"{FOLLOW_UP}coding/agreement/", coding.agreement, name="agreement"),
    path(f"{FOLLOW_UP}themes/", themes.themes, name="themes"),
    path(f"{FOLLOW_UP}themes/framework/", themes.framework, name="framework"),
    path(f"{FOLLOW_UP}themes/framework.csv", themes.framework_csv, name="framework_csv"),
    # the outcome shortlist
    path(SHORTLIST, shortlist.shortlist, name="shortlist"),
    path(f"{SHORTLIST}choose/", shortlist.choose, name="shortlist_choose"),
    path(f"{SHORTLIST}unchoose/", shortlist.unchoose, name="shortlist_unchoose"),
    path(f"{SHORTLIST}proposals/collect/", shortlist.collect, name="collect_proposals"),
    path(f"{SHORTLIST}proposals/adopt/", shortlist.adopt, name="adopt_proposal"),
    path(f"{SHORTLIST}proposals/merge/", shortlist.merge, name="merge_proposal"),
    path(f"{SHORTLIST}proposals/reject/", shortlist.reject, name="reject_proposal"),
]
