"""References cited by the characterization rules (short key -> full citation with DOI)."""
from __future__ import annotations

__all__ = ["REFERENCES", "cite"]

REFERENCES = {
    "SH05": "Shibasaki H, Hallett M (2005). Electrophysiological studies of myoclonus. Muscle Nerve 31:157-174. doi:10.1002/mus.20234",
    "CB04": "Caviness JN, Brown P (2004). Myoclonus: current concepts and recent advances. Lancet Neurol 3:598-607. doi:10.1016/S1474-4422(04)00880-4",
    "Zu18": "Zutt R, et al. (2018). Electrophysiologic testing aids diagnosis and subtyping of myoclonus. Neurology 90:e647-e657. doi:10.1212/WNL.0000000000004996",
    "vdV22": "van der Veen S, et al. (2022). Myoclonus and other jerky movement disorders. Clin Neurophysiol Pract 7:285-316. doi:10.1016/j.cnp.2022.09.003",
    "Ha77": "Hallett M, Chadwick D, Adam J, Marsden CD (1977). Reticular reflex myoclonus. J Neurol Neurosurg Psychiatry 40:253-264. doi:10.1136/jnnp.40.3.253",
    "Br91b": "Brown P, Thompson PD, Rothwell JC, Day BL, Marsden CD (1991). Axial myoclonus of propriospinal origin. Brain 114:197-214. doi:10.1093/brain/114.1.197",
    "Br91s": "Brown P, Rothwell JC, Thompson PD, et al. (1991). New observations on the normal auditory startle reflex in man. Brain 114:1891-1902. doi:10.1093/brain/114.4.1891",
    "Ro09": "Roze E, et al. (2009). Propriospinal myoclonus revisited. Neurology 72:1301-1309. doi:10.1212/WNL.0b013e3181a0fd50",
    "JP86": "Jankovic J, Pardo R (1986). Segmental myoclonus: clinical and pharmacologic study. Arch Neurol 43:1025-1031. doi:10.1001/archneur.1986.00520100039012",
    "Th92": "Thompson PD, et al. (1992). Voluntary stimulus-sensitive jerks and jumps mimicking myoclonus or pathological startle syndromes. Mov Disord 7:257-262. doi:10.1002/mds.870070312",
    "Ko04": "Ko HY, Park JH, Shin YB, Baek SY (2004). Gross quantitative measurements of spinal cord segments in human. Spinal Cord 42:35-40. doi:10.1038/sj.sc.3101538",
    "Os59": "Oswald I (1959). Sudden bodily jerks on falling asleep. Brain 82:92-103. doi:10.1093/brain/82.1.92",
    "AASM": "Berry RB, et al. The AASM Manual for the Scoring of Sleep and Associated Events, v2.6 (2020), American Academy of Sleep Medicine (30-s epochs; PLM: LM 0.5-10 s, onset 8 uV above resting EMG, >= 4 LMs 5-90 s apart, bilateral LMs < 5 s apart counted once; hypnic jerks; excessive fragmentary myoclonus: < 150 ms potentials, >= 5/min over >= 20 min of NREM sleep)",
    "Fe16": "Ferri R, Fulda S, Allen RP, et al. (2016). World Association of Sleep Medicine (WASM) 2016 standards for recording and scoring leg movements in polysomnograms. Sleep Med 26:86-95. doi:10.1016/j.sleep.2016.10.010",
    "Zu06": "Zucconi M, Ferri R, Allen R, et al. (2006). The official World Association of Sleep Medicine (WASM) standards for recording and scoring periodic leg movements in sleep (PLMS) and wakefulness (PLMW) developed in collaboration with a task force from the IRLSSG. Sleep Med 7:175-183. doi:10.1016/j.sleep.2006.01.001",
    "Sk16": "Skeba P, Fulda S, Hiranniramol K, Earley CJ, Allen RP (2016). Defining morphology of periodic leg movements in sleep: an evidence-based definition of a minimum window of sustained activity. Sleep Breath 20:1293-1299. doi:10.1007/s11325-016-1404-2",
    "Fe15": "Ferri R, et al. (2015). Putting the periodicity back into the periodic leg movement index: an alternative data-driven algorithm for the computation of this index during sleep and wakefulness. Sleep Med 16:1229-1235. doi:10.1016/j.sleep.2015.05.019",
    "Fe06": "Ferri R, Zucconi M, Manconi M, et al. (2006). New approaches to the study of periodic leg movements during sleep in restless legs syndrome. Sleep 29:759-769. doi:10.1093/sleep/29.6.759 (periodicity index, inter-movement interval distribution)",
    "Ri21": "Rissanen SM, Hypponen J, Silvennoinen K, et al. (2021). Wearable monitoring of positive and negative myoclonus in progressive myoclonic epilepsy type 1. Clin Neurophysiol 132:2464-2472. doi:10.1016/j.clinph.2021.06.026",
    "Br72": "Brillinger DR (1972). The spectral analysis of stationary interval functions. Proc. 6th Berkeley Symp. Math. Stat. Prob. 1:483-513 (periodogram of a point process; exponential distribution of its ordinates under a Poisson process)",
    "Fa10": "Fay MP (2010). Two-sided exact tests and matching confidence intervals for discrete data. R Journal 2:53-58. doi:10.32614/RJ-2010-008 (exact conditional confidence interval of a Poisson rate ratio)",
    "TRS98": "Tassinari CA, Rubboli G, Shibasaki H (1998). Neurophysiology of positive and negative myoclonus. Electroencephalogr Clin Neurophysiol 107:181-195. doi:10.1016/S0013-4694(98)00058-3",
}


def cite(*keys):
    """Return the full references of ``keys`` (unknown keys are skipped)."""
    return [REFERENCES[k] for k in keys if k in REFERENCES]
