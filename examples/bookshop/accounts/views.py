from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.mail import send_mail
from django.shortcuts import redirect, render

from .forms import ProfileForm, SignupForm
from .models import Profile


def signup(request):
    if request.method == "POST":
        form = SignupForm(request.POST)
        if form.is_valid():
            user = form.save()
            Profile.objects.create(user=user)
            send_mail(
                "Welcome to the Bookshop",
                f"Hi {user.first_name or user.username}, thanks for signing up!",
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
            login(request, user)
            return redirect("catalog:book-list")
    else:
        form = SignupForm()
    return render(request, "accounts/signup.html", {"form": form})


@login_required
def profile(request):
    profile, _ = Profile.objects.get_or_create(user=request.user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile was updated.")
        return redirect("accounts:profile")
    recent_orders = request.user.orders.order_by("-created_at")[:5]
    return render(request, "accounts/profile.html", locals())
