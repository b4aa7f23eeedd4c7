"""Staff pages of the projects app (login required)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import render

from .models import Project
from .qr import qr_url

PAGE_SIZE = 50


@login_required
def project_list(request):
    """Registered projects with links to their QR codes and printable posters (and the city-wide code)."""
    query = request.GET.get("q", "").strip()[:50].replace("\x00", "")
    status = request.GET.get("status", "")
    projects = Project.objects.select_related("district", "sector").order_by("code")
    if query:
        projects = projects.filter(Q(name__icontains=query) | Q(code__icontains=query)
                                   | Q(contractor_name__icontains=query))
    if status in Project.Status.values:
        projects = projects.filter(status=status)
    page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "projects/list.html", {
        "page": page,
        "query": query,
        "status": status,
        "statuses": Project.Status.choices,
        "city_qr_url": qr_url(None),
    })
