"""Electronic case file: the pages."""

from django.urls import path

from . import views

app_name = "efile"

urlpatterns = [
    path("case/<int:pk>/", views.case_file, name="case_file"),
    path("case/<int:pk>/upload/", views.upload, name="upload"),
    path("case/<int:pk>/reorder/", views.reorder, name="reorder"),
    path("case/<int:pk>/sort/", views.sort_by_section, name="sort"),
    path("case/<int:pk>/archive/", views.volume_build, name="volume_build"),
    path("item/<int:item_pk>/move/", views.item_move, name="item_move"),
    path("item/<int:item_pk>/section/", views.item_section, name="item_section"),
    path("item/<int:item_pk>/ocr/", views.item_ocr_retry, name="item_ocr_retry"),
    path("item/<int:item_pk>/status/", views.item_status, name="item_status"),
    path("item/<int:item_pk>/pdf/", views.item_pdf, name="item_pdf"),
    path("item/<int:item_pk>/page/<int:page>.png", views.item_page, name="item_page"),
    path("volume/<int:volume_pk>/", views.volume_status, name="volume_status"),
    path("volume/<int:volume_pk>/pdf/", views.volume_pdf, name="volume_pdf"),
    path("search/", views.search, name="search"),
    path("to-archive/", views.to_archive, name="to_archive"),
]
