"""Staff workspaces of the lifecycle: triage dashboard, unit workspace, review and follow-up queues, the list and
page of a clue (`/clues/<id>/`) and one POST URL per move on a clue; the old `/clue/<id>/…` and `/clues-list/`
addresses that SMS, letters and notices already carry redirect permanently."""

from django.urls import path

from . import views

app_name = "dispatch"

urlpatterns = [
    path("triage/", views.triage, name="triage"),
    path("triage/bulk-transfer/", views.bulk_transfer, name="bulk_transfer"),
    path("clues/", views.clue_list, name="all"),
    path("unit/", views.unit_workspace, name="unit"),
    path("review/", views.review_queue, name="review"),
    path("followup/", views.followup_queue, name="followup"),
    path("filters/save/", views.saved_filter_save, name="filter_save"),
    path("filters/<int:pk>/delete/", views.saved_filter_delete, name="filter_delete"),
    path("clues/<int:pk>/", views.clue_detail, name="clue"),
    path("clues/<int:pk>/reveal/", views.reveal_personal_data, name="reveal"),
    *[path(f"clues/<int:pk>/{name}/", views.clue_action, {"action": name}, name=name) for name in views.MOVES],
    # Old addresses (links in SMS, letters and notices already sent).
    path("clues-list/", views.old_clue_list, name="old_list"),
    path("clue/<int:pk>/", views.old_clue_page, name="old_clue"),
    path("clue/<int:pk>/<path:rest>", views.old_clue_page, name="old_clue_rest"),
]
