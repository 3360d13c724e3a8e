from notifications.selectors import unread_count
from project import roles as role_checks


def roles(request):
    user = request.user
    return {
        "is_coordinator": role_checks.is_coordinator(user),
        "is_dpo": role_checks.is_dpo(user),
        "is_agency_contact": role_checks.is_agency_contact(user),
    }


def notifications(request):
    return {"unread_notifications": unread_count(request.user)}
