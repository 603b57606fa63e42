"""The one vocabulary of company legal forms ("Co., Ltd.", "Inc.", "GmbH"), as they are written in releases.

Three places read it, each deriving what it needs at its use:
- name cleaning (entities.py): a legal form is kept at the end of a name (with its dot) but is junk on its own;
- the legal tail (evidence.py): the forms spaCy cuts off an org ("... Technology (Group) Co., Ltd.") are glued back;
- the canonical merge (canonical.py): "Acme Inc." and "Acme" are one org.
Where a use differs it says so there: the canonical merge also strips "group" and "holdings" ("SITC Logistics
Group" = "SITC Logistics"), which are not legal forms; the legal tail also takes a bracketed "(Group)", "(Holdings)"
or "(International)" before the forms, and never the AMBIGUOUS spellings.
"""
from __future__ import annotations

# Every spelling of every legal form, as written (case matters for the legal tail, which reads the raw text).
LEGAL_FORMS: tuple[str, ...] = tuple("""
    Co. Co Ltd. Ltd Limited Inc. Inc Incorporated Corp. Corp Corporation
    LLC L.L.C. LLP LP L.P. PLC plc
    SA S.A. AG SE NV N.V. BV B.V. GmbH KG AB ASA Oyj SpA S.p.A. Bhd. Bhd Pty. Pty
    KGaA S.r.l. Srl SRL srl Pte. Pte Ltda. Ltda K.K. S.L.
    """.split())

# Spellings that are also ordinary words or abbreviations after a name ("Co-Founder", Nevada, Alberta, "SE Asia",
# a spa, a kilogram): the legal tail never glues these onto an org, since they follow names in other senses too.
AMBIGUOUS: frozenset[str] = frozenset("Co LP SA SE NV BV KG AB ASA SpA".split())

