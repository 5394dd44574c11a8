from allauth.account.views import login as allauth_login


def login(request):
    return allauth_login(request)
