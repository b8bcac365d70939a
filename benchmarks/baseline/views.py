"""The bare view: a plain Django form and one INSERT, Post/Redirect/Get like the petition.

``sign_counted`` is the same view plus the least a signature needs beyond it on several
app servers: one round trip to the shared Redis that counts the request against a
per-address rate (``SET NX EX`` and ``INCR``, pipelined), done with redis-py directly.
It shows what that one round trip costs on the machine of the run.
"""

import time

from django import forms
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpResponseRedirect
from django.shortcuts import render

from benchmarks.baseline.models import BaselineSignature


class BaselineForm(forms.Form):
    name = forms.CharField(max_length=200)
    email = forms.EmailField()
    postal_code = forms.CharField(max_length=20)
    phone = forms.CharField(max_length=40, required=False)
    comment = forms.CharField(widget=forms.Textarea, required=False)
    opt_in = forms.BooleanField(required=False)


def sign(request):
    status = 200
    if request.method == "POST":
        form = BaselineForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            BaselineSignature.objects.create(
                name=data["name"],
                email=data["email"],
                postal_code=data["postal_code"],
                phone=data["phone"],
                comment=data["comment"],
                opted_in=data["opt_in"],
            )
            return HttpResponseRedirect(request.path + "?thanks=1")
        status = 400
    else:
        form = BaselineForm()
    return render(request, "bench_baseline/form.html", {"form": form}, status=status)


def sign_counted(request):
    if request.method == "POST":
        window = 60
        key = f"bench:rate:{request.META.get('REMOTE_ADDR')}:{int(time.time() // window)}"
        if isinstance(caches["default"], RedisCache):
            pipe = cache._cache.get_client(key, write=True).pipeline(transaction=False)
            pipe.set(key, 0, ex=window + 1, nx=True)
            pipe.incr(key)
            count = pipe.execute()[1]
        else:  # no Redis: the query counts still run, on Django's memory cache
            cache.add(key, 0, window + 1)
            count = cache.incr(key)
        if count > 1_000_000:
            return HttpResponseRedirect(request.path + "?slow=1")
    return sign(request)
