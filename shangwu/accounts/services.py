"""Sign-in, sign-out, passwords and accounts. Every outcome is written to the audit log."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.contrib.auth import authenticate, login, logout, password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from rest_framework.authtoken.models import Token

from shangwu.accounts.choices import ChangeKind, ChangeStatus
from shangwu.accounts.models import ChangeRequest, SecurityPolicy, User
from shangwu.audit.choices import AuditAction
from shangwu.audit.services import audit_write, mask_value
from shangwu.core.access import Access, can

SESSION_LOGIN_AT = "shangwu_login_at"
SESSION_SEEN_AT = "shangwu_seen_at"


def user_login(*, request, username: str, password: str) -> User:
    """Check the credentials against the lockout rule and sign the user in.

    等保 三级: after ``lockout_threshold`` consecutive failures the account is locked for
    ``lockout_minutes``; while locked even the right password is refused.
    """
    policy = SecurityPolicy.current()
    now = timezone.now()
    account = User.objects.filter(username=username).first()
    if account is not None and account.is_locked(now):
        minutes = max(1, int((account.locked_until - now).total_seconds() // 60) + 1)
        audit_write(action=AuditAction.LOGIN_FAILED, obj=account, actor=account,
                    detail="账号已锁定，拒绝登录。")
        raise ValidationError(f"账号已锁定，请{minutes}分钟后再试，或联系安全管理员解锁。", code="locked")
    user = authenticate(request, username=username, password=password)
    if user is None:
        if account is not None:
            locked_now = False
            with transaction.atomic():
                User.objects.filter(pk=account.pk).update(failed_login_count=F("failed_login_count") + 1)
                account.refresh_from_db(fields=["failed_login_count"])
                audit_write(action=AuditAction.LOGIN_FAILED, obj=account, actor=account,
                            detail=f"密码错误，连续失败{account.failed_login_count}次。")
                if account.failed_login_count >= policy.lockout_threshold:
                    until = now + timedelta(minutes=policy.lockout_minutes)
                    User.objects.filter(pk=account.pk).update(locked_until=until, failed_login_count=0)
                    audit_write(action=AuditAction.LOCKOUT, obj=account, actor=account,
                                detail=f"连续{policy.lockout_threshold}次登录失败，锁定至{timezone.localtime(until):%H:%M}。")
                    locked_now = True
            if locked_now:
                raise ValidationError(
                    f"连续{policy.lockout_threshold}次密码错误，账号已锁定{policy.lockout_minutes}分钟。",
                    code="locked",
                )
        else:
            audit_write(action=AuditAction.LOGIN_FAILED, object_type="accounts.user", object_repr=username[:200],
                        detail="用户名不存在。")
        raise ValidationError("用户名或密码不正确。", code="invalid_login")
    User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
    login(request, user)
    request.session[SESSION_LOGIN_AT] = now.timestamp()
    request.session[SESSION_SEEN_AT] = now.timestamp()
    audit_write(action=AuditAction.LOGIN, obj=user, actor=user)
    return user


def user_logout(*, request, reason: str = "") -> None:
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        audit_write(action=AuditAction.LOGOUT, obj=user, actor=user, detail=reason)
    logout(request)


def user_set_password(*, user: User, password: str, actor: User, must_change: bool = False) -> None:
    """Set a password after checking the policy. An administrator's reset forces a change at
    next login; the user's own change clears it."""
    password_validation.validate_password(password, user)
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = must_change
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        audit_write(action=AuditAction.PASSWORD_CHANGE, obj=user, actor=actor,
                    detail="管理员重置密码" if actor.pk != user.pk else "用户修改本人密码")


def user_change_own_password(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确。"})
    if old_password == new_password:
        raise ValidationError({"new_password1": "新密码不能与原密码相同。"})
    try:
        user_set_password(user=user, password=new_password, actor=user)
    except ValidationError as exc:
        raise ValidationError({"new_password1": exc.messages}) from exc


def user_unlock(*, user: User, actor: User) -> None:
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(locked_until=None, failed_login_count=0)
        audit_write(action=AuditAction.UNLOCK, obj=user, actor=actor)


def token_create(*, user: User, actor=None) -> str:
    """A fresh API token for ``user`` (an older one is replaced)."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        audit_write(action=AuditAction.TOKEN, obj=user, actor=actor, detail="签发新的API令牌（旧令牌作废）。")
    return token.key


# --- Accounts and change requests (三权分立) -------------------------------------------------
# The 系统管理员 asks, the 安全管理员 decides: a new account, a change of an account's role, unit
# or active flag, a password reset, an org unit's region and a region's parent only change when
# a second person approves (等保 三级 separation of duties). Nobody decides their own request,
# and nobody changes their own role, unit or active flag.

# Applied at once when the 系统管理员 edits an account; the rest need approval.
USER_DIRECT_FIELDS = ("name", "position", "mobile")
USER_APPROVED_FIELDS = ("role", "org_unit", "is_active")
USER_CREATE_FIELDS = ("username", "name", "role", "org_unit", "position", "mobile")
# Characters an administrator can read out or copy without mistaking one for another.
_PASSWORD_POOLS = ("ABCDEFGHJKLMNPQRSTUVWXYZ", "abcdefghijkmnpqrstuvwxyz", "23456789", "#%+=@!?")


def password_generate() -> str:
    """A random initial password that meets the current policy: at least 16 characters (longer
    if the policy asks), all four character classes."""
    length = max(16, SecurityPolicy.current().password_min_length)
    rng = secrets.SystemRandom()
    chars = [rng.choice(pool) for pool in _PASSWORD_POOLS]
    alphabet = "".join(_PASSWORD_POOLS)
    chars += [rng.choice(alphabet) for _ in range(length - len(chars))]
    rng.shuffle(chars)
    return "".join(chars)


def user_bootstrap(*, username: str, name: str, role: str, org_unit, password: str, position: str = "",
                   mobile: str = "", must_change_password: bool = True) -> User:
    """Create an account directly, without a change request. Only for the commands that set a
    platform up (``init_platform``: there is no 安全管理员 yet to approve anything; the demo
    personas): they run on the server, not through anyone's browser. Every account made through
    the UI is created by ``change_request_approve``."""
    user = User(username=username, name=name, role=role, org_unit=org_unit, position=position, mobile=mobile,
                must_change_password=must_change_password,
                password_changed_at=None if must_change_password else timezone.now())
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def _display(model, name: str, value) -> str:
    """A stored value as a person reads it: a role's label, a unit's or region's name."""
    if value is None or value == "":
        return ""
    field = model._meta.get_field(name)
    if field.is_relation:
        obj = field.related_model._base_manager.filter(pk=value).first()
        if obj is None:
            return f"(已删除 #{value})"
        region = getattr(obj, "region", None) if field.related_model.__name__ == "OrgUnit" else None
        return f"{obj.name}（{region.full_name}）" if region is not None else getattr(obj, "full_name", str(obj))
    if isinstance(value, bool):
        return "是" if value else "否"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def _plain(value):
    return value.pk if isinstance(value, models.Model) else value


# Labels the pages use where Django's own differ (AbstractUser.is_active reads “有效”).
_LABELS = {("accounts.user", "is_active"): "启用"}


def change_line(model, name: str, old, new) -> dict:
    """One line of a request's ``changes``: the field, its label, old and new values (ids for
    relations) and how they read."""
    old, new = _plain(old), _plain(new)
    label = _LABELS.get((model._meta.label_lower, name)) or str(model._meta.get_field(name).verbose_name)
    line = {"field": name, "label": label, "old": old, "new": new,
            "old_display": _display(model, name, old), "new_display": _display(model, name, new)}
    if name in getattr(model, "audit_masked", ()):  # a mobile number reads 139****1111 on every page
        line.update(old_display=mask_value(line["old_display"]), new_display=mask_value(line["new_display"]))
    return line


def _audit_lines(changes: list[dict]) -> list[dict]:
    """``changes`` as the audit row keeps them: what the pages show (masked numbers masked)."""
    return [{"field": c["field"], "label": c["label"], "old": c["old_display"], "new": c["new_display"]}
            for c in changes]


def _require(actor, action: str) -> None:
    if not can(actor, Access.ACCOUNTS, action):
        raise PermissionDenied("您没有执行此操作的权限。")


_TARGET_FIELDS = {"accounts.user": "target_user", "organization.orgunit": "target_orgunit",
                  "organization.region": "target_region"}


def change_request_submit(*, kind: str, actor: User, changes: list[dict], target=None, target_repr: str = "",
                          note: str = "") -> ChangeRequest:
    """File a request for the 安全管理员 (one open request per account, unit or region)."""
    target_field = _TARGET_FIELDS[target._meta.label_lower] if target is not None else None
    if target_field:
        open_request = ChangeRequest.objects.filter(status=ChangeStatus.PENDING, **{target_field: target}).first()
        if open_request is not None:
            raise ValidationError(
                f"“{target}”已有待审批的申请 #{open_request.pk}，请待安全管理员审批后再提交。"
            )
    try:
        with transaction.atomic():
            change = ChangeRequest.objects.create(
                kind=kind, requester=actor, changes=changes, note=(note or "").strip(),
                target_repr=(target_repr or str(target))[:200], **({target_field: target} if target_field else {}),
            )
    except IntegrityError as exc:  # another request for the same record was filed a moment ago
        raise ValidationError(f"“{target}”已有待审批的申请，请待安全管理员审批后再提交。") from exc
    audit_write(
        action=AuditAction.CREATE, obj=change, actor=actor,
        changes={"before": None, "after": {"kind": kind, "status": change.status, "target": change.target_repr,
                                           "changes": _audit_lines(changes), "note": change.note}},
        detail=f"提交{change.get_kind_display()}申请，待安全管理员审批：{change.changes_text()}",
    )
    return change


def change_request_user_create(*, actor: User, data: dict, note: str = "") -> ChangeRequest:
    """Ask for a new account. It exists only after approval; its initial password is generated
    then and shown once to the requester."""
    _require(actor, "add")
    with transaction.atomic():
        return _user_create_request(actor=actor, data=data, note=note)


def _user_create_request(*, actor: User, data: dict, note: str) -> ChangeRequest:
    values = {name: data.get(name) or "" for name in USER_CREATE_FIELDS}
    values["org_unit"] = data.get("org_unit")
    candidate = User(**values, must_change_password=True)
    candidate.set_unusable_password()
    candidate.full_clean()  # username free and well-formed, role fits the unit's level
    for pending in ChangeRequest.objects.filter(kind=ChangeKind.USER_CREATE, status=ChangeStatus.PENDING):
        if any(c["field"] == "username" and c["new"] == candidate.username for c in pending.changes):
            raise ValidationError({"username": f"用户名“{candidate.username}”已在待审批的申请 #{pending.pk} 中。"})
    changes = [change_line(User, name, None, values[name]) for name in USER_CREATE_FIELDS if values[name]]
    return change_request_submit(kind=ChangeKind.USER_CREATE, actor=actor, changes=changes, note=note,
                                 target_repr=f"{candidate.name}（{candidate.username}）")


def user_update(*, user: User, data: dict, actor: User, note: str = "") -> tuple[User, ChangeRequest | None]:
    """Edit an account: name, position and mobile apply now; role, unit and active flag become a
    request for the 安全管理员. Nobody changes their own role, unit or active flag."""
    _require(actor, "change")
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        gated = []
        for name in USER_APPROVED_FIELDS:
            if name in data:
                old, new = getattr(current, User._meta.get_field(name).attname), _plain(data[name])
                if old != new:
                    gated.append(change_line(User, name, old, new))
        if gated and current.pk == actor.pk:
            raise ValidationError({c["field"]: f"不能修改本人的{c['label']}（三权分立）。" for c in gated})
        if gated:  # refuse now what approval would refuse (a county role in a city unit)
            proposed = User(role=current.role, org_unit_id=current.org_unit_id)
            for c in gated:
                setattr(proposed, User._meta.get_field(c["field"]).attname, c["new"])
            proposed.clean()
        direct = [name for name in USER_DIRECT_FIELDS if name in data and data[name] != getattr(current, name)]
        for name in direct:
            setattr(current, name, data[name])
        if direct:
            current.full_clean()
            current.save(update_fields=direct)
        request = change_request_submit(kind=ChangeKind.USER_CHANGE, actor=actor, changes=gated, target=current,
                                        target_repr=f"{current.name}（{current.username}）", note=note) if gated else None
    return current, request


def change_request_password_reset(*, user: User, actor: User, note: str = "") -> ChangeRequest:
    """Ask for a new initial password for ``user``; the old one stops working on approval."""
    _require(actor, "change")
    if user.pk == actor.pk:
        raise ValidationError("不能为本人申请重置密码：请在“修改密码”页面修改。")
    line = {"field": "password", "label": "密码", "old": None, "new": None, "old_display": "",
            "new_display": "重置为系统生成的初始密码（首次登录须修改）"}
    with transaction.atomic():
        return change_request_submit(kind=ChangeKind.PASSWORD_RESET, actor=actor, changes=[line], target=user,
                                     target_repr=f"{user.name}（{user.username}）", note=note)


def _check_decider(change: ChangeRequest, actor: User, *, approving: bool) -> None:
    _require(actor, "approve")
    if change.requester_id == actor.pk:
        raise ValidationError("不能审批本人提交的申请。")
    if change.target_user_id is not None and change.target_user_id == actor.pk:
        raise ValidationError("不能审批涉及本人账号的申请。")
    if approving and ChangeRequest.objects.filter(
        requester_id=change.requester_id, target_user=actor, kind__in=[ChangeKind.USER_CREATE, ChangeKind.PASSWORD_RESET],
        status=ChangeStatus.APPROVED,
    ).exists():
        # The requester once held this account's initial password: approving their requests
        # from it would let one person hold both roles.
        raise ValidationError("您的账号（或其密码）是该申请人申请建立或重置的，不能审批其申请，请由其他安全管理员审批。")


def _target(change: ChangeRequest):
    from shangwu.organization.models import OrgUnit, Region

    if change.target_user_id:
        return User.objects.select_for_update().get(pk=change.target_user_id)
    if change.target_orgunit_id:
        return OrgUnit.objects.select_for_update().get(pk=change.target_orgunit_id)
    return Region.objects.select_for_update().get(pk=change.target_region_id)


def _refusal(exc: ValidationError) -> ValidationError:
    messages = exc.messages if not hasattr(exc, "error_dict") else [m for ms in exc.message_dict.values() for m in ms]
    return ValidationError("无法按申请执行：" + "；".join(messages))


def _apply(change: ChangeRequest) -> None:
    if change.kind == ChangeKind.USER_CREATE:
        values = {c["field"]: c["new"] for c in change.changes}
        user = User(**{k: v for k, v in values.items() if k != "org_unit"}, org_unit_id=values.get("org_unit"),
                    must_change_password=True)
        user.set_unusable_password()  # the requester obtains the initial password once
        try:
            user.full_clean()
        except ValidationError as exc:
            raise _refusal(exc) from exc
        user.save()
        ChangeRequest.objects.filter(pk=change.pk).update(target_user=user)
        change.target_user = user
        return
    target = _target(change)
    if change.kind == ChangeKind.PASSWORD_RESET:
        target.set_unusable_password()
        target.must_change_password = True
        target.save(update_fields=["password", "must_change_password"])
        audit_write(action=AuditAction.PASSWORD_CHANGE, obj=target,
                    detail=f"变更申请 #{change.pk} 已批准：原密码失效，新初始密码仅向申请人显示一次。")
        return
    fields = []
    for c in change.changes:
        attname = type(target)._meta.get_field(c["field"]).attname
        if getattr(target, attname) != c["old"]:
            raise ValidationError(
                f"申请提交后“{target}”的{c['label']}已改为“{_display(type(target), c['field'], getattr(target, attname))}”，"
                "不再是申请中的原值：请拒绝本申请，由申请人重新提交。"
            )
        setattr(target, attname, c["new"])
        fields.append(c["field"])
    try:
        target.full_clean()
    except ValidationError as exc:
        raise _refusal(exc) from exc
    target.save(update_fields=fields)


def _decide(change: ChangeRequest, *, actor: User, status: str, reason: str) -> ChangeRequest:
    """Claim the pending request with a conditional UPDATE (two approvers clicking at once: one
    wins) and write the decision's audit row."""
    now = timezone.now()
    claimed = ChangeRequest.objects.filter(pk=change.pk, status=ChangeStatus.PENDING).update(
        status=status, decided_by=actor, decided_at=now, reason=reason,
    )
    if not claimed:
        raise ValidationError("该申请已被处理，请刷新页面查看结果。")
    change.refresh_from_db()
    return change


def change_request_approve(*, change: ChangeRequest, actor: User, reason: str = "") -> ChangeRequest:
    """The 安全管理员 approves: the change is applied, in the same transaction, or nothing is."""
    _check_decider(change, actor, approving=True)
    with transaction.atomic():
        change = _decide(change, actor=actor, status=ChangeStatus.APPROVED, reason=(reason or "").strip())
        _apply(change)
        audit_write(
            action=AuditAction.UPDATE, obj=change, actor=actor,
            changes={"before": {"status": ChangeStatus.PENDING},
                     "after": {"status": ChangeStatus.APPROVED, "decided_by": actor.pk,
                               "target_user": change.target_user_id, "reason": change.reason}},
            detail=f"批准{change.get_kind_display()}申请（申请人：{change.requester.username}）：{change.changes_text()}",
        )
    return change


def change_request_reject(*, change: ChangeRequest, actor: User, reason: str) -> ChangeRequest:
    """The 安全管理员 refuses, saying why; nothing changes."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "拒绝申请须填写理由。"})
    _check_decider(change, actor, approving=False)
    with transaction.atomic():
        change = _decide(change, actor=actor, status=ChangeStatus.REJECTED, reason=reason)
        audit_write(
            action=AuditAction.UPDATE, obj=change, actor=actor,
            changes={"before": {"status": ChangeStatus.PENDING},
                     "after": {"status": ChangeStatus.REJECTED, "decided_by": actor.pk, "reason": reason}},
            detail=f"拒绝{change.get_kind_display()}申请（申请人：{change.requester.username}）：{reason}",
        )
    return change


def change_request_password_reveal(*, change: ChangeRequest, actor: User) -> str:
    """The initial password of an approved new account or reset, generated now and shown to the
    requester exactly once. Only its hash is kept; a second call is refused."""
    if change.requester_id != actor.pk:
        raise ValidationError("初始密码只向提交申请的系统管理员显示。")
    if change.status != ChangeStatus.APPROVED or not change.gives_password:
        raise ValidationError("该申请没有待显示的初始密码。")
    with transaction.atomic():
        now = timezone.now()
        claimed = ChangeRequest.objects.filter(pk=change.pk, password_shown_at__isnull=True).update(password_shown_at=now)
        if not claimed:
            raise ValidationError("初始密码已显示过一次，不再显示。如未记下，请重新申请重置密码。")
        password = password_generate()
        user_set_password(user=change.target_user, password=password, actor=actor, must_change=True)
        audit_write(action=AuditAction.UPDATE, obj=change, actor=actor,
                    changes={"before": {"password_shown_at": None}, "after": {"password_shown_at": now.isoformat()}},
                    detail="初始密码已向申请人显示（仅此一次，不保存明文）。")
    change.password_shown_at = now
    return password
