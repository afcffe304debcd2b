from django.shortcuts import render


def group_list(request):
    return render(request, "groups/group_list.html")


def group_detail(request, slug):
    return render(request, "groups/group_detail.html")
