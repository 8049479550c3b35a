from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import UserCreationForm

from .models import Profile


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email", "first_name", "last_name")


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ("bio", "phone", "shipping_address", "newsletter")
