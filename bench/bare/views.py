"""The whole bare endpoint: validate with a ModelSerializer, insert one row, answer 201 with it."""

from rest_framework import generics, serializers

from .models import Report


class ReportSerializer(serializers.ModelSerializer):
    class Meta:
        model = Report
        fields = "__all__"


class ReportCreate(generics.CreateAPIView):
    serializer_class = ReportSerializer
