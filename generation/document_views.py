from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from generation.documents import documents_visible_to


@login_required
def document_list(request):
    return render(request, "generation/document_list.html", {"documents": documents_visible_to(request.user)})
