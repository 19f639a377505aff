from django.urls import path

from . import round_views, views

app_name = "agreements"

V = "agreements/<int:pk>/v<int:number>/"

urlpatterns = [
    path("agreements/", views.AgreementList.as_view(), name="agreements"),
    path("agreements/preview/", views.MarkdownPreview.as_view(), name="markdown_preview"),
    path("agreements/new/", views.AgreementCreate.as_view(), name="agreement_create"),
    path("agreements/<int:pk>/", views.AgreementDetail.as_view(), name="agreement"),
    path("agreements/<int:pk>/new-version/", views.NewDraft.as_view(), name="new_draft"),
    path("agreements/<int:pk>/compare/", views.Compare.as_view(), name="compare"),
    path(V, views.VersionDetail.as_view(), name="version"),
    path(V + "agreement.<str:fmt>", views.VersionDocument.as_view(), name="version_document"),
    path(V + "history/", views.VersionHistory.as_view(), name="version_history"),
    path(V + "edit/", views.VersionEdit.as_view(), name="version_edit"),
    path(V + "do/<slug:action>/", views.VersionAction.as_view(), name="version_action"),
    path(V + "sections/new/", views.SectionCreate.as_view(), name="section_create"),
    path(V + "sections/<int:section>/", views.SectionUpdate.as_view(), name="section_edit"),
    path(V + "parties/<int:party>/", views.PartyUpdate.as_view(), name="party_edit"),
    path(V + "approval/new/", views.StepCreate.as_view(), name="step_create"),
    path(V + "approval/<int:step>/", views.StepUpdate.as_view(), name="step_edit"),
    path(V + "annexes/new/", views.AnnexCreate.as_view(), name="annex_create"),
    path(V + "annexes/<int:annex>/file", views.AnnexFile.as_view(), name="annex_file"),
    path(
        V + "parties/<int:party>/signed-copy",
        views.SignedCopyFile.as_view(),
        name="signed_copy",
    ),
    path(
        V + "parties/<int:party>/check-signatures",
        views.SignaturesCheck.as_view(),
        name="signatures_check",
    ),
    path(V + "structures/new/", views.SpecCreate.as_view(), name="spec_create"),
    path(V + "structures/<int:spec>/", views.SpecUpdate.as_view(), name="spec_edit"),
    path(V + "responsibilities/", views.ResponsibilityView.as_view(), name="responsibility"),
    path(
        V + "responsibilities.<str:fmt>",
        views.ResponsibilityExport.as_view(),
        name="responsibility_export",
    ),
    path(V + "comment-rounds/new/", round_views.RoundCreate.as_view(), name="round_create"),
    path("agreements/rounds/<int:pk>/", round_views.RoundDetail.as_view(), name="round"),
    path(
        "agreements/rounds/<int:pk>/letters.<str:fmt>",
        round_views.UnreachedLetters.as_view(),
        name="unreached_letters",
    ),
    path(
        "agreements/rounds/<int:pk>/do/<slug:action>/",
        round_views.RoundAction.as_view(),
        name="round_action",
    ),
    path(
        "agreements/rounds/<int:pk>/comments/<int:comment>/",
        round_views.CommentRespond.as_view(),
        name="comment_respond",
    ),
    path(
        "agreements/rounds/<int:pk>/summary.<str:fmt>",
        round_views.RoundSummary.as_view(),
        name="round_summary",
    ),
    path("agreements/requests/<int:pk>/", round_views.CommentAnswer.as_view(), name="comment"),
    path(
        "agreements/requests/<int:pk>/letter.<str:fmt>",
        round_views.RequestLetter.as_view(),
        name="letter",
    ),
]
