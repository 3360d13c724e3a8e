from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from notifications.selectors import notifications_for
from notifications.services import notifications_mark_read


def notification_list(request):
    page = Paginator(notifications_for(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page})


@require_POST
def notification_read_all(request):
    notifications_mark_read(user=request.user)
    return redirect("notifications:list")
