"""The programme's words for kinds of organisation, vmbo profiles, leerwegen and networks (seeds 000-003)."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext


class OrganisationKind(enum.StrEnum):
    VMBO_SCHOOL = "vmbo_school"
    MBO_INSTITUTION = "mbo_institution"
    COMPANY = "company"
    NETWORK = "network"
    PO_SCHOOL = "po_school"
    MUNICIPALITY = "municipality"


class NetworkType(enum.StrEnum):
    JET_NET = "jet_net_technet"
    PPS = "pps"
    TOPTECHNIEK = "toptechniek_in_bedrijf"
    FIELDLAB = "fieldlab"
    OO_FONDS = "oo_fonds"


#: vmbo profiles, the technical ones first; the code is what imports and URLs use.
PROFILES = {
    "BWI": _l("Bouwen, wonen en interieur"),
    "PIE": _l("Produceren, installeren en energie"),
    "MT": _l("Mobiliteit en transport"),
    "MaT": _l("Maritiem en techniek"),
    "MVI": _l("Media, vormgeving en ICT"),
    "DP": _l("Dienstverlening en producten"),
}

LEERWEGEN = {
    "basis": _l("basisberoepsgerichte leerweg"),
    "kader": _l("kaderberoepsgerichte leerweg"),
    "gemengd": _l("gemengde leerweg"),
    "theoretisch": _l("theoretische leerweg"),
}


#: What a company may offer schools (DESIGN.md "Companies and offers"); a company names the kinds it expects to
#: offer when it registers, the offers themselves come later.
OFFER_KINDS = {
    "stage": _l("stage / BPV"),
    "docentstage": _l("docentstage"),
    "gastles": _l("gastles"),
    "bedrijfsbezoek": _l("bedrijfsbezoek"),
    "hybride_docent": _l("hybride docent"),
    "praktijkopdracht": _l("praktijkopdracht"),
    "faciliteiten": _l("gebruik van faciliteiten"),
}


def kind_labels() -> dict[OrganisationKind, str]:
    return {
        OrganisationKind.VMBO_SCHOOL: _l("vmbo-school"),
        OrganisationKind.MBO_INSTITUTION: _l("mbo-instelling"),
        OrganisationKind.COMPANY: _l("bedrijf"),
        OrganisationKind.NETWORK: _l("netwerk"),
        OrganisationKind.PO_SCHOOL: _l("basisschool"),
        OrganisationKind.MUNICIPALITY: _l("gemeente"),
    }


def kind_plural_labels() -> dict[OrganisationKind, str]:
    return {
        OrganisationKind.VMBO_SCHOOL: _l("vmbo-scholen"),
        OrganisationKind.MBO_INSTITUTION: _l("mbo-instellingen"),
        OrganisationKind.COMPANY: _l("bedrijven"),
        OrganisationKind.NETWORK: _l("netwerken"),
        OrganisationKind.PO_SCHOOL: _l("basisscholen"),
        OrganisationKind.MUNICIPALITY: _l("gemeenten"),
    }


def network_labels() -> dict[NetworkType, str]:
    return {
        NetworkType.JET_NET: _l("Jet-Net & TechNet-kring"),
        NetworkType.PPS: _l("publiek-private samenwerking (PPS)"),
        NetworkType.TOPTECHNIEK: _l("Toptechniek in Bedrijf"),
        NetworkType.FIELDLAB: _l("Fieldlab"),
        NetworkType.OO_FONDS: _l("O&O-fonds of branche"),
    }


def count_label(kind: OrganisationKind, count: int) -> str:
    """'1 vmbo-school', '3 vmbo-scholen': a count with the kind's singular or plural."""
    forms = {
        OrganisationKind.VMBO_SCHOOL: lambda n: ngettext("%(num)d vmbo-school", "%(num)d vmbo-scholen", n),
        OrganisationKind.MBO_INSTITUTION: lambda n: ngettext("%(num)d mbo-instelling", "%(num)d mbo-instellingen", n),
        OrganisationKind.COMPANY: lambda n: ngettext("%(num)d bedrijf", "%(num)d bedrijven", n),
        OrganisationKind.NETWORK: lambda n: ngettext("%(num)d netwerk", "%(num)d netwerken", n),
        OrganisationKind.PO_SCHOOL: lambda n: ngettext("%(num)d basisschool", "%(num)d basisscholen", n),
        OrganisationKind.MUNICIPALITY: lambda n: ngettext("%(num)d gemeente", "%(num)d gemeenten", n),
    }
    return forms[kind](count)
