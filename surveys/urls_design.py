"""Design pages of the staff survey (evaluators): /p/<partnership>/waves/<wave>/survey/...

Items are addressed as ?code=<item code> and sections as ?section=<position>, so every route
takes only the partnership and the wave.
"""

from django.urls import path

from surveys.views import design

urlpatterns = [
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
]
