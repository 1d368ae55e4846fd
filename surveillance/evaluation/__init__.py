"""Detection measured as the outbreak-detection literature measures it: simulated series with known
outbreaks (Noufaily et al. 2013), every method run on them, and its false-positive rate, probability of
detection, sensitivity, specificity, positive predictive value and timeliness."""
