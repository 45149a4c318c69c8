"""Channel types and body sites parsed from common polygraphy labels.

Labels in clinical files are free text ("EMG L Deltoid", "Chin", "SCM R", "TibAnt R", "Fp1", "ACC_X").
:func:`parse_label` turns one into a channel type and a :class:`BodySite` (side, segment, muscle,
proximal/distal), so that later steps can say focal, segmental, multifocal or generalized.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass

__all__ = ["BodySite", "parse_label", "cord_position_cm", "CHANNEL_TYPES", "SEGMENTS", "EEG_1020"]

#: Channel types understood by the package.
CHANNEL_TYPES = ("emg", "eeg", "acc", "ecg", "eog", "resp", "stim", "misc")

#: Body segments from rostral to caudal; used for "segmental" (contiguous) distribution.
SEGMENTS = ("cranial", "neck", "upper_limb", "trunk", "lower_limb")

#: 10-20 / 10-10 electrode names (upper-cased) recognised as EEG.
EEG_1020 = frozenset(
    s.upper()
    for s in (
        "Fp1 Fp2 Fpz AF3 AF4 AF7 AF8 AFz F1 F2 F3 F4 F5 F6 F7 F8 F9 F10 Fz FC1 FC2 FC3 FC4 FC5 FC6 FCz "
        "FT7 FT8 FT9 FT10 C1 C2 C3 C4 C5 C6 Cz T3 T4 T5 T6 T7 T8 T9 T10 CP1 CP2 CP3 CP4 CP5 CP6 CPz "
        "TP7 TP8 TP9 TP10 P1 P2 P3 P4 P5 P6 P7 P8 P9 P10 Pz PO3 PO4 PO7 PO8 POz O1 O2 Oz Iz A1 A2 M1 M2"
    ).split()
)


@dataclass(frozen=True)
class BodySite:
    """Where a channel records from.

    Attributes
    ----------
    side : str | None
        ``'left'``, ``'right'``, ``'midline'`` or None when unknown.
    segment : str | None
        One of :data:`SEGMENTS` (``'cranial'``, ``'neck'``, ``'upper_limb'``, ``'trunk'``,
        ``'lower_limb'``), ``'scalp'`` for EEG, or None.
    muscle : str | None
        Canonical muscle name (e.g. ``'deltoid'``, ``'tibialis_anterior'``) or None.
    proximal : str | None
        ``'axial'``, ``'proximal'`` or ``'distal'`` (limb muscles), None when unknown.
    """

    side: str | None = None
    segment: str | None = None
    muscle: str | None = None
    proximal: str | None = None

    def to_dict(self):
        """Return the fields as a plain dict."""
        return asdict(self)

    def describe(self):
        """Short human label, e.g. ``'right deltoid (upper limb, proximal)'``."""
        if self.muscle is None and self.segment is None:
            return "unknown site"
        parts = [p for p in (self.side, (self.muscle or "").replace("_", " ")) if p]
        where = ", ".join(
            p for p in ((self.segment or "").replace("_", " "), self.proximal or "") if p
        )
        return " ".join(parts) + (f" ({where})" if where else "")


# (regex on the normalised label, canonical muscle, segment, proximal/distal/axial)
_MUSCLES = [
    (r"orbicularis ?oculi|\boo(c)?\b|\borb ?oc", "orbicularis_oculi", "cranial", "axial"),
    (r"orbicularis ?oris|\boor\b|\borb ?or", "orbicularis_oris", "cranial", "axial"),
    (r"\bmasseter|\bmass\b", "masseter", "cranial", "axial"),
    (r"\bfrontalis", "frontalis", "cranial", "axial"),
    (r"\bchin\b|submental|mentalis", "mentalis", "cranial", "axial"),
    (r"\btongue|genioglossus", "genioglossus", "cranial", "axial"),
    (r"sternocleido|\bscm\b|\bstcl", "sternocleidomastoid", "neck", "axial"),
    (r"\btrapez|\btrap\b", "trapezius", "neck", "axial"),
    (r"splenius", "splenius_capitis", "neck", "axial"),
    (r"\bdelt", "deltoid", "upper_limb", "proximal"),
    (r"\bbicep|\bbic\b|\bbb\b", "biceps_brachii", "upper_limb", "proximal"),
    (r"\btricep|\btri\b|\btb\b", "triceps_brachii", "upper_limb", "proximal"),
    (r"extensor ?carpi|\becr\b|\becu\b|\bext ?carp|wrist ?ext|\bforearm ?ext|\bextensor\b", "wrist_extensors", "upper_limb", "distal"),
    (r"flexor ?carpi|\bfcr\b|\bfcu\b|\bflex ?carp|wrist ?flex|\bforearm ?flex|\bflexor\b", "wrist_flexors", "upper_limb", "distal"),
    (r"\bedc\b|ext(ensor)? ?dig", "extensor_digitorum", "upper_limb", "distal"),
    (r"\bfdi\b|first ?dorsal ?interos", "first_dorsal_interosseous", "upper_limb", "distal"),
    (r"\bapb\b|abductor ?pollicis", "abductor_pollicis_brevis", "upper_limb", "distal"),
    (r"\badm\b|abductor ?digiti", "abductor_digiti_minimi", "upper_limb", "distal"),
    (r"paraspinal|erector|\bparasp|\bthoracic ?ps|\bt\d{1,2} ?ps", "paraspinal", "trunk", "axial"),
    (r"rectus ?abd|\brab?\b|\babdom", "rectus_abdominis", "trunk", "axial"),
    (r"intercost", "intercostal", "trunk", "axial"),
    (r"diaphragm", "diaphragm", "trunk", "axial"),
    (r"pectoral", "pectoralis_major", "trunk", "axial"),
    (r"gluteus|\bglut", "gluteus", "lower_limb", "proximal"),
    (r"quadri|rectus ?fem|vastus|\bquad\b", "quadriceps", "lower_limb", "proximal"),
    (r"hamstring|biceps ?fem", "hamstrings", "lower_limb", "proximal"),
    (r"tib(ialis)? ?ant|\bta\b|\btib\b|anterior ?tib", "tibialis_anterior", "lower_limb", "distal"),
    (r"gastroc|\bgastr?\b|\bgc\b|\bgas\b", "gastrocnemius", "lower_limb", "distal"),
    (r"soleus|\bsol\b", "soleus", "lower_limb", "distal"),
    (r"\bleg\b|\blat\b|\brat\b|limb ?l(ow)?", "leg", "lower_limb", None),
    (r"\barm\b", "arm", "upper_limb", None),
]
_MUSCLES = [(re.compile(p), m, s, d) for p, m, s, d in _MUSCLES]

# Limb-level words that give a segment for accelerometers ("ACC R wrist").
_LIMB_WORDS = [
    (re.compile(r"wrist|hand|forearm|finger|\barm\b"), "upper_limb", "distal"),
    (re.compile(r"ankle|foot|\bleg\b|shin"), "lower_limb", "distal"),
    (re.compile(r"head|chin|face"), "cranial", "axial"),
    (re.compile(r"trunk|chest|sternum|back|waist|hip"), "trunk", "axial"),
]


def _normalise(label):
    s = label.strip()
    # CamelCase / digits boundaries: "TibAnt" -> "Tib Ant", "ACC1X" left alone
    s = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z]{2})", " ", s)
    s = s.lower()
    s = re.sub(r"[_\-./:,;()\[\]]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def _side(norm, raw):
    tokens = norm.split()
    left = any(t in ("l", "left", "lt", "li", "links", "g", "gauche") for t in tokens)
    right = any(t in ("r", "right", "rt", "re", "rechts", "d", "droit", "droite") for t in tokens)
    if not (left or right):
        raw = raw.strip()
        m = re.match(r"^([lLrR])(?=[A-Z][a-z])|^([lr])(?=[A-Z]{2})", raw)  # "lDelt", "rTA", "LDelt"
        if m is None:
            m = re.search(r"[a-z]([LR])$", raw)  # "DeltL"
        if m:
            c = (m.group(1) or m.group(2) if m.re.groups > 1 else m.group(1)).lower()
            left, right = c == "l", c == "r"
    if left and not right:
        return "left"
    if right and not left:
        return "right"
    return None


def _eeg_electrode(raw):
    """Return the 10-20 electrode name in a label like 'EEG Fp1-Ref', or None."""
    s = re.sub(r"^(eeg|pol)\s+", "", raw.strip(), flags=re.I)
    first = re.split(r"[-\s/:]", s)[0].upper()
    return first if first in EEG_1020 else None


def _eeg_side(electrode):
    if electrode is None:
        return None
    if electrode.endswith("Z"):
        return "midline"
    digits = re.findall(r"\d+", electrode)
    if not digits:
        return None
    return "left" if int(digits[-1]) % 2 == 1 else "right"


def parse_label(label, *, mne_type=None):
    """Infer the channel type and body site from a channel label.

    Parameters
    ----------
    label : str
        Channel label as stored in the file, e.g. ``"EMG L Deltoid"``, ``"SCM R"``, ``"Fp1"``.
    mne_type : str | None
        The type MNE assigned, if any. MNE's readers call every EDF channel ``'eeg'``; a type
        other than ``'eeg'`` from MNE (``'stim'``, ``'ecg'``, ``'emg'``...) is trusted.

    Returns
    -------
    ch_type : str
        One of :data:`CHANNEL_TYPES`.
    site : BodySite
        Parsed body site (fields None when unknown).
    """
    norm = _normalise(label)
    tokens = set(norm.split())
    side = _side(norm, label)

    def limb_site():
        for rx, seg, prox in _LIMB_WORDS:
            if rx.search(norm):
                return BodySite(side, seg, None, prox)
        return BodySite(side)

    # explicit type prefixes first
    if tokens & {"acc", "accel", "accelerometer", "acceleration", "accx", "accy", "accz", "gyro"} or re.match(
        r"^acc(el)? ?\d*( ?[xyz])?\b", norm
    ):
        return "acc", limb_site()
    if tokens & {"ecg", "ekg", "ecg1", "ecg2", "ekg1", "ekg2", "heart"} or re.match(r"^(ecg|ekg)", norm):
        return "ecg", BodySite(None, "trunk", None, "axial")
    if tokens & {"eog", "loc", "roc", "heog", "veog"} or re.match(r"^eog", norm):
        return "eog", BodySite(side, "cranial", None, "axial")
    if tokens & {"trigger", "stim", "status", "sti", "sti014", "marker", "trig", "photic", "event"} or re.match(
        r"^(sti\d*|trig|status|stim)", norm
    ):
        return "stim", BodySite()
    if tokens & {"resp", "thor", "thorax", "abdo", "flow", "airflow", "spo2", "sao2", "pleth", "snore", "pulse", "position", "pos"} or re.match(
        r"^(resp|sao2|spo2|flow|thor)", norm
    ):
        return "misc" if ("sao2" in norm or "spo2" in norm or "pleth" in norm or "pulse" in norm or "pos" in tokens) else "resp", BodySite()
    if mne_type in ("stim", "ecg", "eog", "emg", "resp", "misc") and mne_type != "misc":
        ch_type = mne_type
    else:
        ch_type = None

    for rx, muscle, segment, prox in _MUSCLES:
        if rx.search(norm):
            if muscle in ("mentalis", "genioglossus", "sternocleidomastoid", "trapezius") and side is None:
                side_m = "midline" if muscle in ("mentalis", "genioglossus") else None
            else:
                side_m = side
            return (ch_type or "emg"), BodySite(side_m, segment, muscle, prox)
    if "emg" in tokens or norm.startswith("emg") or ch_type == "emg":
        return "emg", limb_site()

    electrode = _eeg_electrode(label)
    if electrode is not None or "eeg" in tokens or norm.startswith("eeg"):
        return (ch_type or "eeg"), BodySite(_eeg_side(electrode), "scalp", None, None)
    if ch_type:
        return ch_type, BodySite()
    if mne_type == "eeg" or mne_type is None:
        return "misc", BodySite()
    return "misc", BodySite()


#: Mean spinal-cord segment count and length (cm) per region, after Ko et al. 2004
#: (doi:10.1038/sj.sc.3101538): cervical 1.3, thoracic 2.2, lumbar 1.2, sacral 0.8 cm per segment.
SPINAL_SEGMENT_CM = {"C": (8, 1.3), "T": (12, 2.2), "L": (5, 1.2), "S": (5, 0.8)}


def cord_position_cm(root):
    """Centimetres from the rostral end of C1 to the middle of spinal segment ``root``.

    Parameters
    ----------
    root : str
        Spinal segment such as ``'C5'``, ``'T10'``, ``'L4'``, ``'S1'`` (case-insensitive).

    Returns
    -------
    position : float | None
        From the mean segment lengths of :data:`SPINAL_SEGMENT_CM` (Ko et al. 2004); None when
        ``root`` is not a spinal segment name.
    """
    m = re.fullmatch(r"([CTLS])(\d{1,2})", str(root).upper())
    if m is None:
        return None
    region, k = m.group(1), int(m.group(2))
    pos = 0.0
    for reg in "CTLS":
        count, length = SPINAL_SEGMENT_CM[reg]
        if reg == region:
            return pos + length * (min(max(k, 1), count) - 0.5)
        pos += count * length
    return None  # pragma: no cover - the regex admits only C, T, L, S
