from django.http import JsonResponse


def group_list(request):
    return JsonResponse({})


def group_detail(request, slug):
    return JsonResponse({})
