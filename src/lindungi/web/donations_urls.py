"""Screens: GN Lingkaran donations."""

from django.urls import URLPattern, path

from lindungi.web.views import donations

urlpatterns: list[URLPattern] = [
    path("donations/", donations.pool_list, name="donations"),
    path("donations/open/", donations.pool_open, name="pool_open"),
    path("donations/<int:pool_id>/", donations.pool_detail, name="pool"),
    path("donations/<int:pool_id>/donors/new/", donations.donor_create, name="donor_create"),
    path("donations/<int:pool_id>/pledges/new/", donations.pledge_create, name="pledge_create"),
    path(
        "donations/<int:pool_id>/pledges/<int:pledge_id>/cancel/",
        donations.pledge_cancel,
        name="pledge_cancel",
    ),
    path(
        "donations/<int:pool_id>/donations/new/",
        donations.donation_create,
        name="donation_create",
    ),
    path("donations/<int:pool_id>/allocate/", donations.allocate, name="pool_allocate"),
    path(
        "donations/gifts/<int:donation_id>/reverse/",
        donations.donation_reverse,
        name="donation_reverse",
    ),
    path("donations/gifts/<int:donation_id>/receipt.pdf", donations.receipt, name="receipt"),
    path("donations/donors/<int:donor_id>/", donations.donor_impact, name="donor_impact"),
    path(
        "donations/donors/<int:donor_id>/impact.pdf",
        donations.donor_impact_pdf,
        name="donor_impact_pdf",
    ),
]
