"""Italy's municipalities (comuni, keyed by ISTAT code) with their class in the *Mappa Aree Interne
2020*, and their postcodes (CAP)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


# --- territory ----------------------------------------------------------------------------------
class InnerAreaClass(models.TextChoices):
    """Mappa Aree Interne 2020 (SNAI): D, E and F are the *aree interne*."""

    A = "A", _("Pole")
    B = "B", _("Inter-municipal pole")
    C = "C", _("Belt")
    D = "D", _("Intermediate")
    E = "E", _("Peripheral")
    F = "F", _("Ultra-peripheral")


INNER_AREA_CLASSES = frozenset({"D", "E", "F"})  # intermediate, peripheral, ultra-peripheral


class Municipality(models.Model):
    """An Italian municipality (comune), keyed by its ISTAT code."""

    istat_code = models.CharField(_("ISTAT code"), max_length=6, primary_key=True)
    name = models.CharField(_("name"), max_length=120)
    search_name = models.CharField(max_length=120, db_index=True)  # lower case, no accents
    province_code = models.CharField(_("province code"), max_length=3)
    province_abbr = models.CharField(_("province"), max_length=2)
    province_name = models.CharField(_("province name"), max_length=80)
    region_code = models.CharField(_("region code"), max_length=2)
    region_name = models.CharField(_("region"), max_length=40)
    cadastral_code = models.CharField(_("cadastral code"), max_length=4, blank=True, db_index=True)
    is_current = models.BooleanField(
        _("in the current ISTAT list"),
        default=True,
        help_text=_("Off for municipalities merged or suppressed since the 2020 map."),
    )
    is_provincial_capital = models.BooleanField(default=False)
    population = models.PositiveIntegerField(_("population (2020 census)"), null=True)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=9, decimal_places=4, null=True)
    inner_area_class = models.CharField(
        _("inner areas class (2020)"), max_length=1, choices=InnerAreaClass.choices, blank=True
    )
    minutes_to_pole = models.DecimalField(
        _("minutes to the pole"), max_digits=5, decimal_places=1, null=True
    )
    pole_istat_code = models.CharField(max_length=6, blank=True)
    pole_name = models.CharField(_("pole"), max_length=120, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True)

    class Meta:
        ordering = ["search_name", "province_abbr"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return f"{self.name} ({self.province_abbr})"

    @property
    def is_inner_area(self) -> bool:
        return self.inner_area_class in INNER_AREA_CLASSES

    @property
    def inner_area_label(self) -> str:
        """The badge text, e.g. 'Periferico · 42 min dal polo'."""
        if not self.inner_area_class:
            return ""
        label = str(self.get_inner_area_class_display())
        if self.minutes_to_pole is None or self.inner_area_class == "A":
            return label
        minutes = round(self.minutes_to_pole)
        return _("%(label)s · %(minutes)s min to the pole") % {"label": label, "minutes": minutes}


class Postcode(models.Model):
    """A postcode (CAP) of a municipality; big cities have many, a few CAPs span several towns."""

    code = models.CharField(max_length=5, db_index=True)
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="postcodes"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "municipality"], name="postcode_unique")
        ]

    def __str__(self) -> str:
        return self.code
