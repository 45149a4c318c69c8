"""Clinical profiles of the simulator: default parameters, montages and their physiological sources.

Every number that describes physiology is given with its source. Durations are in seconds, rates
in events per minute, amplitudes in microvolts (EMG amplitudes as multiples of the channel's
background RMS), velocities in m/s, accelerations in m/s^2.

References
----------
.. [SH05] Shibasaki H, Hallett M (2005). Electrophysiological studies of myoclonus. Muscle Nerve
   31:157-174. doi:10.1002/mus.20234
.. [CB04] Caviness JN, Brown P (2004). Myoclonus: current concepts and recent advances. Lancet
   Neurol 3:598-607. doi:10.1016/S1474-4422(04)00880-4
.. [Zu18] Zutt R, Elting JW, van Zijl JC, et al. (2018). Electrophysiologic testing aids diagnosis
   and subtyping of myoclonus. Neurology 90:e647-e657. doi:10.1212/WNL.0000000000004996
.. [vdV22] van der Veen S, Caviness JN, Dreissen YEM, et al. (2022). Myoclonus and other jerky
   movement disorders. Clin Neurophysiol Pract 7:285-316. doi:10.1016/j.cnp.2022.09.003
.. [vdV24] van der Veen S, et al. (2024). EMG burst duration separates cortical (mean 31 ms) from
   non-cortical (mean 57 ms) myoclonus with a 45 ms cut-off (100 % sensitivity, 89.5 %
   specificity). (DOI not verified in this code base.)
.. [La23] Latorre A, Belvisi D, Rothwell JC, Bhatia KP, Rocchi L (2023). Rethinking the
   neurophysiological concept of cortical myoclonus. Clin Neurophysiol 156:125-139.
   doi:10.1016/j.clinph.2023.10.007
.. [Sh78] Shibasaki H, Yamashita Y, Kuroiwa Y (1978). Electroencephalographic studies of
   myoclonus. Brain 101:447-460. doi:10.1093/brain/101.3.447
.. [Br99] Brown P, Farmer SF, Halliday DM, Marsden J, Rothwell JC (1999). Coherent cortical and
   muscle discharge in cortical myoclonus. Brain 122:461-472. doi:10.1093/brain/122.3.461
.. [Ha77] Hallett M, Chadwick D, Adam J, Marsden CD (1977). Reticular reflex myoclonus: a
   physiological type of human post-hypoxic myoclonus. J Neurol Neurosurg Psychiatry 40:253-264.
   doi:10.1136/jnnp.40.3.253
.. [Br91a] Brown P, et al. (1991). A case of postanoxic
   encephalopathy with cortical action and brainstem reticular reflex myoclonus. Mov Disord
   6:139-144. doi:10.1002/mds.870060209
.. [Br91b] Brown P, Thompson PD, Rothwell JC, Day BL, Marsden CD (1991). Axial myoclonus of
   propriospinal origin. Brain 114:197-214. doi:10.1093/brain/114.1.197
.. [Br94] Brown P, Rothwell JC, Thompson PD, Marsden CD (1994). Propriospinal myoclonus: evidence
   for spinal "pattern" generators in humans. Mov Disord 9:571-576. doi:10.1002/mds.870090511
.. [Ro09] Roze E, Bounolleau P, Ducreux D, et al. (2009). Propriospinal myoclonus revisited.
   Neurology 72:1301-1309. doi:10.1212/WNL.0b013e3181a0fd50
.. [JP86] Jankovic J, Pardo R (1986). Segmental myoclonus: clinical and pharmacologic study.
   Arch Neurol 43:1025-1031. doi:10.1001/archneur.1986.00520100039012
.. [Ro08] Roze E, Apartis E, Clot F, et al. (2008). Myoclonus-dystonia: clinical and
   electrophysiologic pattern related to SGCE mutations. Neurology 70:1010-1016.
   doi:10.1212/01.wnl.0000297516.98574.c0
.. [Th92] Thompson PD, Colebatch JG, Brown P, et al. (1992). Voluntary stimulus-sensitive jerks
   and jumps mimicking myoclonus or pathological startle syndromes. Mov Disord 7:257-262.
   doi:10.1002/mds.870070312
.. [SH06] Shibasaki H, Hallett M (2006). What is the Bereitschaftspotential? Clin Neurophysiol
   117:2341-2356. doi:10.1016/j.clinph.2006.04.025
.. [vdS12] van der Salm SM, Tijssen MA, Koelman JH, van Rootselaar AF (2012). The
   Bereitschaftspotential in jerky movement disorders. J Neurol Neurosurg Psychiatry
   83:1162-1167. doi:10.1136/jnnp-2012-303081
.. [Os59] Oswald I (1959). Sudden bodily jerks on falling asleep. Brain 82:92-103.
   doi:10.1093/brain/82.1.92
.. [HJ16] (2016). Hypnic jerks are an underestimated sleep motor phenomenon in patients with
   parkinsonism: a video-polysomnographic and neurophysiological study. Sleep Med 26:37-44.
   doi:10.1016/j.sleep.2016.07.011 (no ordered propagation of hypnic jerks between muscles).
.. [AASM] Berry RB, et al. The AASM Manual for the Scoring of Sleep and Associated Events.
   American Academy of Sleep Medicine (30-s epochs; W, N1, N2; spindles 11-16 Hz; K-complexes;
   hypnic jerks as brief 75-250 ms high-amplitude EMG potentials at sleep onset, ICSD).
.. [TRS98] Tassinari CA, Rubboli G, Shibasaki H (1998). Neurophysiology of positive and negative
   myoclonus. Electroencephalogr Clin Neurophysiol 107:181-195.
   doi:10.1016/S0013-4694(98)00058-3
.. [Ro15] Rossini PM, Burke D, Chen R, et al. (2015). Non-invasive electrical and magnetic
   stimulation of the brain, spinal cord, roots and peripheral nerves (IFCN report). Clin
   Neurophysiol 126:1071-1107. doi:10.1016/j.clinph.2015.02.001 (normative MEP latencies).
.. [Ko04] Ko HY, Park JH, Shin YB, Baek SY (2004). Gross quantitative measurements of spinal cord
   segments in human. Spinal Cord 42:35-40. doi:10.1038/sj.sc.3101538
.. [CK79] Cavanagh PR, Komi PV (1979). Electromechanical delay in human skeletal muscle under
   concentric and eccentric contractions. Eur J Appl Physiol 42:159-163. doi:10.1007/BF00431022
.. [DL97] De Luca CJ (1997). The use of surface electromyography in biomechanics. J Appl Biomech
   13:135-163. doi:10.1123/jab.13.2.135
.. [MP04] Merletti R, Parker P (2004). Electromyography: Physiology, Engineering, and
   Noninvasive Applications. Wiley-IEEE Press. doi:10.1002/0471678384
.. [DL10] De Luca CJ, Gilmore LD, Kuznetsov M, Roy SH (2010). Filtering the surface EMG signal:
   movement artifact and baseline noise contamination. J Biomech 43:1573-1579.
   doi:10.1016/j.jbiomech.2010.01.027
.. [DC06] Drake JDM, Callaghan JP (2006). Elimination of electrocardiogram contamination from
   electromyogram signals. J Electromyogr Kinesiol 16:175-187. doi:10.1016/j.jelekin.2005.07.003
.. [McS03] McSharry PE, Clifford GD, Tarassenko L, Smith LA (2003). A dynamical model for
   generating synthetic electrocardiogram signals. IEEE Trans Biomed Eng 50:289-294.
   doi:10.1109/TBME.2003.808805
.. [Su09] Surawicz B, Childers R, Deal BJ, Gettes LS (2009). AHA/ACCF/HRS recommendations for
   the standardization and interpretation of the electrocardiogram, part III. Circulation
   119:e235-e240. doi:10.1161/CIRCULATIONAHA.108.191095 (QRS 80-120 ms).
.. [Do20] Donoghue T, Haller M, Peterson EJ, et al. (2020). Parameterizing neural power spectra
   into periodic and aperiodic components. Nat Neurosci 23:1655-1665.
   doi:10.1038/s41593-020-00744-x
.. [FH85] Flash T, Hogan N (1985). The coordination of arm movements: an experimentally confirmed
   mathematical model. J Neurosci 5:1688-1703. doi:10.1523/JNEUROSCI.05-07-01688.1985
"""
from __future__ import annotations

import copy
import re

from ..io.sites import cord_position_cm

__all__ = [
    "PROFILES",
    "PROFILE_NAMES",
    "CONTAMINATION_SWITCHES",
    "MUSCLE_PHYSIOLOGY",
    "EXPECTED_ORIGIN",
    "REFERENCES",
    "cord_position",
    "muscle_root",
]

#: Switches of real-world contamination.
CONTAMINATION_SWITCHES = ("ecg", "mains", "baseline", "motion", "pops", "clipping", "flat")

#: Short citation -> full reference (with DOI where verified).
REFERENCES = {
    "SH05": "Shibasaki & Hallett 2005, Muscle Nerve 31:157-174, doi:10.1002/mus.20234",
    "CB04": "Caviness & Brown 2004, Lancet Neurol 3:598-607, doi:10.1016/S1474-4422(04)00880-4",
    "Zu18": "Zutt et al. 2018, Neurology 90:e647-e657, doi:10.1212/WNL.0000000000004996",
    "vdV22": "van der Veen et al. 2022, Clin Neurophysiol Pract 7:285-316, doi:10.1016/j.cnp.2022.09.003",
    "vdV24": "van der Veen et al. 2024, 45 ms burst-duration cut-off cortical vs non-cortical (DOI not verified)",
    "La23": "Latorre et al. 2023, Clin Neurophysiol 156:125-139, doi:10.1016/j.clinph.2023.10.007",
    "Sh78": "Shibasaki, Yamashita & Kuroiwa 1978, Brain 101:447-460, doi:10.1093/brain/101.3.447",
    "Br99": "Brown et al. 1999, Brain 122:461-472, doi:10.1093/brain/122.3.461",
    "Ha77": "Hallett et al. 1977, J Neurol Neurosurg Psychiatry 40:253-264, doi:10.1136/jnnp.40.3.253",
    "Br91a": "Brown et al. 1991, Mov Disord 6:139-144, doi:10.1002/mds.870060209",
    "Br91b": "Brown et al. 1991, Brain 114:197-214, doi:10.1093/brain/114.1.197",
    "Br94": "Brown et al. 1994, Mov Disord 9:571-576, doi:10.1002/mds.870090511",
    "Ro09": "Roze et al. 2009, Neurology 72:1301-1309, doi:10.1212/WNL.0b013e3181a0fd50",
    "JP86": "Jankovic & Pardo 1986, Arch Neurol 43:1025-1031, doi:10.1001/archneur.1986.00520100039012",
    "Ro08": "Roze et al. 2008, Neurology 70:1010-1016, doi:10.1212/01.wnl.0000297516.98574.c0",
    "Th92": "Thompson et al. 1992, Mov Disord 7:257-262, doi:10.1002/mds.870070312",
    "SH06": "Shibasaki & Hallett 2006, Clin Neurophysiol 117:2341-2356, doi:10.1016/j.clinph.2006.04.025",
    "vdS12": "van der Salm et al. 2012, J Neurol Neurosurg Psychiatry 83:1162-1167, doi:10.1136/jnnp-2012-303081",
    "Os59": "Oswald 1959, Brain 82:92-103, doi:10.1093/brain/82.1.92",
    "HJ16": "Hypnic jerks in parkinsonism 2016, Sleep Med 26:37-44, doi:10.1016/j.sleep.2016.07.011",
    "AASM": "Berry et al., AASM Manual for the Scoring of Sleep and Associated Events",
    "TRS98": "Tassinari, Rubboli & Shibasaki 1998, EEG Clin Neurophysiol 107:181-195, doi:10.1016/S0013-4694(98)00058-3",
    "Ro15": "Rossini et al. 2015, Clin Neurophysiol 126:1071-1107, doi:10.1016/j.clinph.2015.02.001",
    "Ko04": "Ko et al. 2004, Spinal Cord 42:35-40, doi:10.1038/sj.sc.3101538",
    "CK79": "Cavanagh & Komi 1979, Eur J Appl Physiol 42:159-163, doi:10.1007/BF00431022",
    "DL97": "De Luca 1997, J Appl Biomech 13:135-163, doi:10.1123/jab.13.2.135",
    "MP04": "Merletti & Parker 2004, Electromyography, Wiley-IEEE, doi:10.1002/0471678384",
    "DL10": "De Luca et al. 2010, J Biomech 43:1573-1579, doi:10.1016/j.jbiomech.2010.01.027",
    "DC06": "Drake & Callaghan 2006, J Electromyogr Kinesiol 16:175-187, doi:10.1016/j.jelekin.2005.07.003",
    "McS03": "McSharry et al. 2003, IEEE Trans Biomed Eng 50:289-294, doi:10.1109/TBME.2003.808805",
    "Su09": "Surawicz et al. 2009, Circulation 119:e235-e240, doi:10.1161/CIRCULATIONAHA.108.191095",
    "Do20": "Donoghue et al. 2020, Nat Neurosci 23:1655-1665, doi:10.1038/s41593-020-00744-x",
    "FH85": "Flash & Hogan 1985, J Neurosci 5:1688-1703, doi:10.1523/JNEUROSCI.05-07-01688.1985",
}

# --------------------------------------------------------------------------- muscles
#: Per-muscle physiology, keyed by the canonical muscle name of :func:`myoclonus.io.parse_label`.
#:
#: ``root``: main motor root (spinal segment) or None for cranial muscles; ``nerve``: cranial
#: nerve nucleus (brainstem muscles); ``mep``: onset latency (s) of the motor evoked potential
#: after motor-cortex stimulation at rest, i.e. the cortico-muscular conduction time used for the
#: premyoclonic EEG lead and the cranio-caudal order of cortical jerks (normative values, [Ro15]);
#: ``periph``: peripheral motor conduction time (s) from the motor neurone to the muscle (nerve
#: length / ~55 m/s); ``acc_dir``: index of the main axis of movement it produces (used only to
#: orient accelerometer transients).
MUSCLE_PHYSIOLOGY = {
    "orbicularis_oculi": {"root": None, "nerve": "VII", "mep": 0.010, "periph": 0.004},
    "orbicularis_oris": {"root": None, "nerve": "VII", "mep": 0.010, "periph": 0.004},
    "mentalis": {"root": None, "nerve": "VII", "mep": 0.010, "periph": 0.004},
    "frontalis": {"root": None, "nerve": "VII", "mep": 0.010, "periph": 0.004},
    "masseter": {"root": None, "nerve": "V", "mep": 0.008, "periph": 0.003},
    "genioglossus": {"root": None, "nerve": "XII", "mep": 0.009, "periph": 0.004},
    "sternocleidomastoid": {"root": "C2", "nerve": "XI", "mep": 0.008, "periph": 0.003},
    "trapezius": {"root": "C3", "nerve": "XI", "mep": 0.009, "periph": 0.005},
    "splenius_capitis": {"root": "C3", "nerve": None, "mep": 0.009, "periph": 0.003},
    "diaphragm": {"root": "C4", "nerve": None, "mep": 0.013, "periph": 0.006},
    "deltoid": {"root": "C5", "nerve": None, "mep": 0.011, "periph": 0.005},
    "biceps_brachii": {"root": "C6", "nerve": None, "mep": 0.012, "periph": 0.006},
    "triceps_brachii": {"root": "C7", "nerve": None, "mep": 0.013, "periph": 0.007},
    "pectoralis_major": {"root": "C7", "nerve": None, "mep": 0.012, "periph": 0.005},
    "wrist_extensors": {"root": "C7", "nerve": None, "mep": 0.016, "periph": 0.009},
    "wrist_flexors": {"root": "C7", "nerve": None, "mep": 0.016, "periph": 0.009},
    "extensor_digitorum": {"root": "C7", "nerve": None, "mep": 0.016, "periph": 0.009},
    "first_dorsal_interosseous": {"root": "T1", "nerve": None, "mep": 0.021, "periph": 0.014},
    "abductor_pollicis_brevis": {"root": "T1", "nerve": None, "mep": 0.021, "periph": 0.014},
    "abductor_digiti_minimi": {"root": "C8", "nerve": None, "mep": 0.021, "periph": 0.014},
    "arm": {"root": "C6", "nerve": None, "mep": 0.013, "periph": 0.007},
    "intercostal": {"root": "T6", "nerve": None, "mep": 0.013, "periph": 0.004},
    "paraspinal": {"root": "T8", "nerve": None, "mep": 0.014, "periph": 0.002},
    "rectus_abdominis": {"root": "T10", "nerve": None, "mep": 0.015, "periph": 0.004},
    "gluteus": {"root": "L5", "nerve": None, "mep": 0.020, "periph": 0.007},
    "quadriceps": {"root": "L3", "nerve": None, "mep": 0.022, "periph": 0.009},
    "hamstrings": {"root": "S1", "nerve": None, "mep": 0.025, "periph": 0.011},
    "tibialis_anterior": {"root": "L4", "nerve": None, "mep": 0.029, "periph": 0.015},
    "gastrocnemius": {"root": "S1", "nerve": None, "mep": 0.031, "periph": 0.016},
    "soleus": {"root": "S1", "nerve": None, "mep": 0.031, "periph": 0.016},
    "leg": {"root": "L4", "nerve": None, "mep": 0.028, "periph": 0.014},
}

#: Default physiology by body segment for EMG labels without a known muscle.
SEGMENT_DEFAULTS = {
    "cranial": {"root": None, "nerve": "VII", "mep": 0.010, "periph": 0.004},
    "neck": {"root": "C3", "nerve": None, "mep": 0.009, "periph": 0.004},
    "upper_limb": {"root": "C7", "nerve": None, "mep": 0.015, "periph": 0.009},
    "trunk": {"root": "T8", "nerve": None, "mep": 0.014, "periph": 0.003},
    "lower_limb": {"root": "L4", "nerve": None, "mep": 0.027, "periph": 0.013},
    None: {"root": "C7", "nerve": None, "mep": 0.015, "periph": 0.008},
}

#: Distance (cm) of brainstem motor nuclei rostral to the accessory-nerve level (obex), from
#: brainstem anatomy; used for the ascending order of reticular reflex myoclonus [Ha77, Br91a].
BRAINSTEM_NUCLEUS_CM = {"XI": 0.0, "XII": 1.0, "VII": 2.0, "V": 3.0}

def cord_position(root):
    """Position of the middle of a spinal segment along the cord, in cm caudal to C1.

    Parameters
    ----------
    root : str
        Spinal segment such as ``'C5'``, ``'T10'``, ``'L4'``, ``'S1'``.

    Returns
    -------
    position : float
        Centimetres from the rostral end of C1, from the mean segment lengths of Ko et al. (2004)
        (doi:10.1038/sj.sc.3101538).
    """
    pos = cord_position_cm(root)
    if pos is None:
        raise ValueError(f"Spinal segments look like 'C5', 'T10', 'L4' or 'S1', but got {root!r}.")
    return pos


_LEVEL_RX = re.compile(r"\b([CTLS])(\d{1,2})\b", re.I)


def muscle_root(label, muscle, segment):
    """Return the physiology dict of an EMG channel (copy), with the root level from the label.

    Paraspinal labels such as ``'EMG T4 Parasp'`` carry their own level.
    """
    info = dict(MUSCLE_PHYSIOLOGY.get(muscle) or SEGMENT_DEFAULTS.get(segment, SEGMENT_DEFAULTS[None]))
    if muscle == "paraspinal":
        m = _LEVEL_RX.search(label)
        if m:
            info["root"] = f"{m.group(1).upper()}{int(m.group(2))}"
    return info


# --------------------------------------------------------------------------- montages
_EEG8 = ["F3", "F4", "C3", "Cz", "C4", "P3", "Pz", "P4"]
_ACC_R = ["ACC R wrist X", "ACC R wrist Y", "ACC R wrist Z"]
_ACC_L = ["ACC L wrist X", "ACC L wrist Y", "ACC L wrist Z"]
_EMG_DEMO = [
    "EMG R FDI",
    "EMG R ECR",
    "EMG R Deltoid",
    "EMG L FDI",
    "EMG L ECR",
    "EMG L Deltoid",
    "EMG Rectus abd",
    "EMG R TibAnt",
]
#: The 24-channel polygraphy of the demo (EEG 8, EMG 8, 2 x 3-axis ACC, ECG, Stim).
DEMO_MONTAGE = _EEG8 + _EMG_DEMO + _ACC_R + _ACC_L + ["ECG", "Stim"]

_ALL_OFF = {k: False for k in CONTAMINATION_SWITCHES}
_DEFAULT_CONTAMINATION = dict(_ALL_OFF, ecg=True, mains=True, baseline=True)

# --------------------------------------------------------------------------- base parameters
_BASE = {
    "description": "",
    "references": [],
    "channels": [],
    # --- jerks
    "snr": 8.0,
    "rate": 0.0,
    "jerk_duration": [0.010, 0.050],
    "jerk_duration_median": 0.025,
    "jerk_duration_sigma": 0.35,
    "timing": "irregular",
    "regularity": 1.0,
    "min_interval": 0.1,
    "rhythm_hz": None,
    "rhythm_cv": None,
    "train_probability": 0.0,
    "train_size": [2, 4],
    "train_interval": [0.08, 0.2],
    "recruitment": "none",
    "distal_weight": {"distal": 3.0, "proximal": 1.0, "axial": 0.3},
    "spread_probability": 0.0,
    "n_muscles": [1, 1],
    "segment_roots": None,
    "segment_side": None,
    "eligible_segments": None,
    "conduction_velocity": None,
    "generator_root": None,
    "reticulospinal_velocity": None,
    "brainstem_velocity": None,
    "random_delay": None,
    "delay_jitter": 0.001,
    "delays": None,
    "gains": None,
    "amplitude_sigma": 0.2,
    "jerks_per_transition": None,
    # --- background activity
    "background_uv": [3.0, 5.0],
    "action_gain": 1.0,
    "posture_fraction": 0.3,
    "posture_block": [8.0, 25.0],
    "posture_segments": ["upper_limb"],
    "tonic_level": 2.5,
    "dystonia": False,
    "voluntary_rate": 3.0,
    "voluntary_duration": [0.15, 3.0],
    "voluntary_duration_median": 0.6,
    "voluntary_duration_sigma": 0.6,
    "voluntary_level": 6.0,
    "silent_rate": 0.0,
    "silent_duration": [0.05, 0.3],
    "silent_duration_median": 0.1,
    "silent_duration_sigma": 0.4,
    # --- EEG
    "eeg_background_uv": 12.0,
    "eeg_exponent": 1.8,
    "alpha_uv": 10.0,
    "alpha_hz": 10.0,
    "premyoclonic_uv": 0.0,
    "premyoclonic_lead": [0.015, 0.028],
    "spike_wave_uv": 0.0,
    "bp_uv": None,
    "bp_onset": None,
    "cmc": 0.1,
    "cmc_eeg_uv": 1.5,
    # --- stimuli
    "stimulus_rate": 0.0,
    "stimulus_probability": 0.0,
    "stimulus_latency": None,
    "stimulus_latency_sigma": 0.0,
    "stimulus_side": "right",
    "stimulus_habituation": None,
    "sep_uv": 0.0,
    # --- accelerometers, heart
    "mechanical_delay": 0.030,
    "acc_peak": 1.5,
    "heart_rate": 70.0,
    "qrs_duration": 0.09,
    "contamination": dict(_DEFAULT_CONTAMINATION),
}


def _profile(**updates):
    out = copy.deepcopy(_BASE)
    out.update(copy.deepcopy(updates))
    return out


PROFILES = {
    "cortical": _profile(
        description=(
            "Cortical (reflex and action) myoclonus: 10-50 ms EMG bursts, multifocal, distal > "
            "proximal, action- and stimulus-sensitive, with a premyoclonic EEG transient over the "
            "contralateral sensorimotor cortex seen only with back-averaging, EEG-EMG coherence at "
            "15-30 Hz, giant SEP and C-reflex, and negative myoclonus in tonic EMG."
        ),
        references=["SH05", "CB04", "vdV24", "La23", "Sh78", "Br99", "Ro15", "Zu18"],
        channels=list(DEMO_MONTAGE),
        snr=8.0,
        rate=40.0,  # jerks per minute, multifocal (cortical action myoclonus is frequent) [SH05]
        jerk_duration=[0.010, 0.050],  # cortical bursts 10-50 ms [SH05, CB04]
        jerk_duration_median=0.028,  # mean 31 ms in cortical myoclonus [vdV24]
        jerk_duration_sigma=0.3,
        regularity=1.5,
        min_interval=0.1,
        train_probability=0.15,
        train_size=[2, 4],
        train_interval=[0.08, 0.2],
        recruitment="multifocal",
        distal_weight={"distal": 3.0, "proximal": 1.0, "axial": 0.3},  # distal > proximal [CB04]
        spread_probability=0.3,
        delay_jitter=0.001,
        action_gain=3.0,  # action myoclonus: jerks increase with posture/action [SH05]
        posture_fraction=0.4,
        tonic_level=2.5,
        voluntary_rate=3.0,
        silent_rate=6.0,  # negative myoclonus, silent periods 50-300 ms in tonic EMG [TRS98]
        silent_duration=[0.05, 0.3],
        silent_duration_median=0.1,
        premyoclonic_uv=6.0,  # back-averaged cortical spike, a few uV [Sh78, SH05]
        premyoclonic_lead=[0.015, 0.028],  # negative peak 15-28 ms, positive peak 27-40 ms before the jerk [SH05]
        cmc=0.5,  # exaggerated 15-30 Hz cortico-muscular coherence [Br99]
        cmc_eeg_uv=2.0,
        stimulus_rate=6.0,
        stimulus_probability=0.6,
        stimulus_latency=None,  # C-reflex: N20 + ~5 ms cortical relay + MEP latency [SH05]
        stimulus_side="right",
        sep_uv=15.0,  # giant SEP: P25-N33 amplitude well above the ~8.6 uV upper limit [SH05]
    ),
    "cortical_subcortical": _profile(
        description=(
            "Cortical-subcortical (generalised epileptic) myoclonus: 25-100 ms bursts, generalised "
            "and near-synchronous with cranio-caudal order, time-locked to generalised EEG "
            "(poly)spike-wave discharges visible in single trials."
        ),
        references=["SH05", "CB04", "Zu18", "vdV22", "Ro15"],
        channels=["F3", "Fz", "F4", "C3", "Cz", "C4", "P3", "P4"]
        + [
            "EMG R SCM",
            "EMG R Deltoid",
            "EMG L Deltoid",
            "EMG R ECR",
            "EMG L ECR",
            "EMG R FDI",
            "EMG R Quadriceps",
            "EMG R TibAnt",
        ]
        + _ACC_R
        + ["ECG"],
        snr=10.0,
        rate=8.0,
        jerk_duration=[0.025, 0.100],  # 25-100 ms [Zu18, vdV22]
        jerk_duration_median=0.05,
        jerk_duration_sigma=0.3,
        min_interval=0.3,
        train_probability=0.3,
        train_size=[2, 4],
        train_interval=[0.25, 0.6],
        recruitment="generalized",
        delay_jitter=0.001,
        action_gain=1.5,
        posture_fraction=0.3,
        spike_wave_uv=80.0,  # generalised (poly)spike-wave, tens to >100 uV [SH05]
        cmc=0.1,
    ),
    "subcortical": _profile(
        description=(
            "Brainstem reticular reflex myoclonus: 50-300 ms generalised jerks starting in the "
            "sternocleidomastoid, then ascending to facial (VII) and masseter (V) muscles and "
            "descending to limb muscles through fast bulbospinal pathways; stimulus-sensitive."
        ),
        references=["Ha77", "Br91a", "SH05", "CB04", "Zu18"],
        channels=["C3", "Cz", "C4", "Pz"]
        + [
            "EMG R SCM",
            "EMG L SCM",
            "EMG R Masseter",
            "EMG R Orb oculi",
            "EMG R Deltoid",
            "EMG R ECR",
            "EMG R FDI",
            "EMG T8 Parasp",
            "EMG Rectus abd",
            "EMG R TibAnt",
        ]
        + _ACC_R
        + ["ECG", "Stim"],
        snr=10.0,
        rate=6.0,
        jerk_duration=[0.050, 0.300],  # 50-300 ms [Zu18, vdV22]
        jerk_duration_median=0.12,
        jerk_duration_sigma=0.4,
        min_interval=0.6,
        train_probability=0.1,
        train_size=[2, 3],
        train_interval=[0.5, 1.0],
        recruitment="reticular",
        reticulospinal_velocity=50.0,  # rapidly conducting bulbospinal pathway [Br91a]
        brainstem_velocity=3.0,  # slow ascending spread within the brainstem [Ha77]
        delay_jitter=0.0005,
        action_gain=2.0,
        posture_fraction=0.3,
        stimulus_rate=6.0,
        stimulus_probability=0.8,
        stimulus_latency=0.050,  # SCM reflex latency ~50 ms to auditory/somaesthetic stimuli [Br91a]
        stimulus_latency_sigma=0.05,
        cmc=0.05,
    ),
    "propriospinal": _profile(
        description=(
            "Propriospinal myoclonus: 100-400 ms (up to 2 s) axial flexion jerks starting in a "
            "thoracic segment (rectus abdominis / thoracic paraspinal) and spreading rostrally and "
            "caudally at 3-11 m/s, sparing the face; worse when relaxed and at sleep onset."
        ),
        references=["Br91b", "Br94", "Ro09", "Ko04", "Zu18"],
        channels=["C3", "Cz", "C4"]
        + [
            "EMG R SCM",
            "EMG R Deltoid",
            "EMG R FDI",
            "EMG T4 Parasp",
            "EMG T8 Parasp",
            "EMG Rectus abd",
            "EMG L1 Parasp",
            "EMG R Quadriceps",
            "EMG R TibAnt",
        ]
        + ["ACC trunk X", "ACC trunk Y", "ACC trunk Z", "ECG"],
        snr=8.0,
        rate=5.0,
        jerk_duration=[0.100, 2.0],  # 100-400 ms, up to 2 s [Br91b, Ro09]
        jerk_duration_median=0.22,
        jerk_duration_sigma=0.45,
        min_interval=1.5,
        recruitment="propriospinal",
        conduction_velocity=5.0,  # slow propriospinal conduction, 3-11 m/s [Br91b]
        generator_root="T9",
        delay_jitter=0.001,
        action_gain=0.3,  # suppressed by mental/motor activation, worse when relaxed [Ro09]
        posture_fraction=0.15,
        posture_segments=["upper_limb"],
        voluntary_rate=2.0,
        cmc=0.05,
        contamination=dict(_DEFAULT_CONTAMINATION),
    ),
    "segmental": _profile(
        description=(
            "Segmental (spinal) myoclonus: rhythmic 1-3 Hz jerks, 100-300 ms, confined to muscles "
            "of one or adjacent spinal segments (here C5-C7 on the right), persisting at rest."
        ),
        references=["JP86", "CB04", "Zu18"],
        channels=["C3", "Cz", "C4"]
        + [
            "EMG R Trapezius",
            "EMG R Deltoid",
            "EMG R Biceps",
            "EMG R ECR",
            "EMG R FCR",
            "EMG R FDI",
            "EMG L Deltoid",
            "EMG L ECR",
        ]
        + _ACC_R
        + ["ECG"],
        snr=8.0,
        rate=120.0,  # = 60 * rhythm_hz
        timing="rhythmic",
        rhythm_hz=2.0,  # 1-3 Hz [JP86]
        rhythm_cv=0.06,
        jerk_duration=[0.100, 0.300],  # 100-300 ms [JP86, Zu18]
        jerk_duration_median=0.16,
        jerk_duration_sigma=0.2,
        min_interval=0.2,
        recruitment="segmental",
        segment_roots=["C5", "C7"],
        segment_side="right",
        delay_jitter=0.002,
        posture_fraction=0.2,
        voluntary_rate=1.0,
        cmc=0.05,
    ),
    "essential": _profile(
        description=(
            "Essential myoclonus / myoclonus-dystonia: irregular 50-300 ms jerks of the neck, arms "
            "and trunk (legs spared), often co-contracting agonist-antagonist pairs, increased by "
            "posture and action, with optional dystonic tonic co-contraction."
        ),
        references=["Ro08", "CB04", "Zu18", "vdV22"],
        channels=["C3", "Cz", "C4"]
        + [
            "EMG R SCM",
            "EMG L SCM",
            "EMG R Trapezius",
            "EMG R Deltoid",
            "EMG R Biceps",
            "EMG R ECR",
            "EMG R FCR",
            "EMG L ECR",
            "EMG T8 Parasp",
            "EMG R TibAnt",
        ]
        + _ACC_R
        + ["ECG"],
        snr=8.0,
        rate=15.0,
        jerk_duration=[0.050, 0.300],  # 50-300 ms [Ro08]
        jerk_duration_median=0.11,
        jerk_duration_sigma=0.4,
        min_interval=0.3,
        train_probability=0.25,
        train_size=[2, 4],
        train_interval=[0.15, 0.5],
        recruitment="essential",
        eligible_segments=["neck", "upper_limb", "trunk"],
        n_muscles=[1, 4],
        random_delay=0.010,
        delay_jitter=0.001,
        action_gain=2.5,
        posture_fraction=0.4,
        dystonia=True,
        cmc=0.1,
    ),
    "functional": _profile(
        description=(
            "Functional (psychogenic) jerks: 70-300 ms bursts with variable recruitment order from "
            "jerk to jerk, long and variable latencies to stimuli with habituation, and a "
            "Bereitschaftspotential (slow negativity starting 1-2 s before the jerk, 5-10 uV at Cz)."
        ),
        references=["Th92", "SH06", "vdS12", "Zu18", "vdV22"],
        channels=["F3", "Fz", "F4", "C3", "Cz", "C4", "Pz"]
        + [
            "EMG R SCM",
            "EMG R Deltoid",
            "EMG R ECR",
            "EMG L Deltoid",
            "EMG T8 Parasp",
            "EMG Rectus abd",
            "EMG R Quadriceps",
            "EMG R TibAnt",
        ]
        + _ACC_R
        + ["ECG", "Stim"],
        snr=8.0,
        rate=6.0,
        jerk_duration=[0.070, 0.300],  # > 70 ms, 70-300 ms [vdV22, Zu18]
        jerk_duration_median=0.14,
        jerk_duration_sigma=0.4,
        min_interval=3.0,
        recruitment="functional",
        n_muscles=[2, 5],
        random_delay=0.080,  # variable recruitment order [Th92]
        delay_jitter=0.0,
        action_gain=0.4,  # distractibility: fewer jerks while engaged in a task
        posture_fraction=0.2,
        bp_uv=[5.0, 10.0],  # BP amplitude at Cz [SH06, vdS12]
        bp_onset=[1.0, 2.0],  # starts 1-2 s before movement onset [SH06]
        stimulus_rate=4.0,
        stimulus_probability=0.6,
        stimulus_latency=0.20,  # long and variable latencies, > reflex latencies [Th92]
        stimulus_latency_sigma=0.35,
        stimulus_habituation=10.0,  # habituation with repeated stimuli [Th92]
        cmc=0.1,
    ),
    "hypnic": _profile(
        description=(
            "Hypnic jerks (physiological sleep starts): a few large generalised jerks of 75-250 ms "
            "at the wake-to-N1 transition, without ordered propagation, with a hypnogram."
        ),
        references=["Os59", "HJ16", "AASM"],
        channels=["F3", "F4", "C3", "Cz", "C4", "O1", "O2"]
        + [
            "EMG Chin",
            "EMG R Deltoid",
            "EMG L Deltoid",
            "EMG R ECR",
            "EMG T8 Parasp",
            "EMG R Quadriceps",
            "EMG L Quadriceps",
            "EMG R TibAnt",
            "EMG L TibAnt",
        ]
        + ["ACC R ankle X", "ACC R ankle Y", "ACC R ankle Z", "ECG"],
        snr=15.0,
        rate=None,
        timing="sleep_onset",
        jerks_per_transition=[1, 3],
        jerk_duration=[0.075, 0.250],  # 75-250 ms EMG potentials [AASM]
        jerk_duration_median=0.14,
        jerk_duration_sigma=0.35,
        min_interval=1.0,
        recruitment="hypnic",
        random_delay=0.040,  # no ordered propagation [HJ16]
        delay_jitter=0.0,
        posture_fraction=0.0,
        voluntary_rate=1.0,
        alpha_uv=14.0,
        cmc=0.0,
        heart_rate=62.0,
    ),
    "negative": _profile(
        description=(
            "Negative myoclonus (asterixis): 50-500 ms silent periods interrupting tonic EMG of the "
            "outstretched arms (wrist extensors and flexors silenced together), each followed by a "
            "lapse of posture on the accelerometer."
        ),
        references=["TRS98", "SH05", "CB04"],
        channels=["C3", "Cz", "C4"]
        + ["EMG R ECR", "EMG R FCR", "EMG R Deltoid", "EMG L ECR", "EMG L FCR", "EMG L Deltoid"]
        + _ACC_R
        + _ACC_L
        + ["ECG"],
        snr=8.0,
        rate=0.0,
        timing="none",
        recruitment="none",
        posture_fraction=0.7,
        posture_block=[15.0, 45.0],
        tonic_level=5.0,
        voluntary_rate=1.0,
        silent_rate=15.0,  # per minute of posture, per arm
        silent_duration=[0.05, 0.5],  # 50-500 ms [TRS98]
        silent_duration_median=0.15,
        silent_duration_sigma=0.5,
        cmc=0.1,
    ),
    "healthy": _profile(
        description=(
            "Healthy control: rest, posture and voluntary movements (150 ms to seconds) only; no "
            "myoclonus. The negative control of every detector."
        ),
        references=["DL97", "MP04", "FH85"],
        channels=_EEG8 + _EMG_DEMO + _ACC_R + _ACC_L + ["ECG"],
        snr=8.0,
        rate=0.0,
        timing="none",
        recruitment="none",
        posture_fraction=0.35,
        voluntary_rate=6.0,
        cmc=0.15,
    ),
}

#: Profile names, in the order of the issue.
PROFILE_NAMES = tuple(PROFILES)


#: Origin classes that count as naming each profile's simulated origin correctly (ground truth for
#: ``myoclonus.physiology.classify_origin``). Essential myoclonus is thought subcortical and hypnic
#: jerks are physiological (brainstem), so 'undetermined' is accepted for them; negative myoclonus
#: (asterixis) is often cortical; the healthy control has no jerks to locate.
EXPECTED_ORIGIN = {
    "cortical": frozenset({"cortical"}),
    "cortical_subcortical": frozenset({"cortical_subcortical"}),
    "subcortical": frozenset({"subcortical"}),
    "propriospinal": frozenset({"propriospinal"}),
    "segmental": frozenset({"segmental"}),
    "functional": frozenset({"functional"}),
    "essential": frozenset({"subcortical", "undetermined"}),
    "hypnic": frozenset({"subcortical", "undetermined"}),
    "negative": frozenset({"cortical", "undetermined"}),
    "healthy": frozenset({"undetermined"}),
}
