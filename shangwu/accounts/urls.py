from django.urls import path

from shangwu.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/add/", views.UserEditView.as_view(), name="user_add"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/unlock/", views.UserUnlockView.as_view(), name="user_unlock"),
    path(
        "users/<int:pk>/reset-password/",
        views.UserPasswordResetView.as_view(),
        name="user_password_reset",
    ),
    path("requests/", views.ChangeRequestListView.as_view(), name="changerequest_list"),
    path(
        "requests/<int:pk>/", views.ChangeRequestDetailView.as_view(), name="changerequest_detail"
    ),
    path(
        "requests/<int:pk>/approve/",
        views.ChangeRequestDecideView.as_view(decision="approve"),
        name="changerequest_approve",
    ),
    path(
        "requests/<int:pk>/reject/",
        views.ChangeRequestDecideView.as_view(decision="reject"),
        name="changerequest_reject",
    ),
    path(
        "requests/<int:pk>/password/",
        views.ChangeRequestPasswordView.as_view(),
        name="changerequest_password",
    ),
    path("policy/", views.SecurityPolicyView.as_view(), name="policy"),
    path("tokens/", views.MyApiTokenView.as_view(), name="my_tokens"),
    path("tokens/all/", views.ApiTokenListView.as_view(), name="apitoken_list"),
    path("tokens/<int:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="apitoken_revoke"),
]
