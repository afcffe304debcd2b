from django.shortcuts import render


def home(request):
    return render(request, "pages/home.html")


def type_list(request):
    return render(request, "pages/type_list.html")


def type_detail(request, slug):
    return render(request, "pages/type_detail.html")


def guide_index(request):
    return render(request, "pages/guide/index.html")


def guide_page(request, slug):
    return render(request, "pages/guide/index.html")


def safety(request):
    return render(request, "pages/safety.html")
