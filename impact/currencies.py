"""The currency codes a file may use: ISO 4217's, so a code that only looks like one is refused, never kept.

A look-alike (`U\\u200bSD` with a zero-width space, Cyrillic `УSD`, `USD` followed by a bidi override) would
otherwise load as a currency of its own: split the seller's revenue, refuse to add up, and carry invisible or
Markdown text (`![C](http://…)`) to every screen that names the currency. Codes are compared after NFKC
normalisation (full-width `ＵＳＤ` is USD); anything else is rejected with its line.
"""

from __future__ import annotations

import unicodedata

from .errors import InputError

__all__ = ["ISO_4217", "iso_code", "normal_code"]

# Active ISO 4217 codes (list one, 2024) without the funds, metals and testing codes, plus the codes retired since
# 2008 that old exports still carry (HRK, LTL, LVL, EEK, SKK, VEF, MRO, STD, BYR, ZMK, SLL, CUC).
ISO_4217 = frozenset(
    """AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF
    CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL
    HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL
    MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON
    RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH
    UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR ZMW ZWG ZWL
    HRK LTL LVL EEK SKK VEF MRO STD BYR ZMK SLL CUC""".split()
)


def normal_code(text: str) -> str:
    """The code as compared: NFKC-normalised (full-width letters become ASCII), trimmed, upper case."""
    return unicodedata.normalize("NFKC", text).strip().upper()


def iso_code(text: str, what: str = "currency") -> str:
    """The ISO 4217 code `text` names, or InputError naming the value with its hidden characters shown."""
    code = normal_code(text)
    if code not in ISO_4217:
        shown = text.encode("unicode_escape").decode("ascii")[:40]
        raise InputError(f'{what} expects a three-letter ISO 4217 currency code such as EUR, USD or GBP; got "{shown}"')
    return code
