"""The bare view: a plain Django form and one INSERT, Post/Redirect/Get like the petition."""

from django import forms
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
