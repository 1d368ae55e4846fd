# Times surveillance::farringtonFlexible on a wide CSV (date + one column per series), last N weeks.
# usage: Rscript farrington_timing.R INPUT.csv LAST SETTING OUTPUT_PREFIX
# prints one line: seconds series_weeks; writes OUTPUT_PREFIX_upperbound.csv for the agreement check.
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1], check.names = FALSE)
obs <- as.matrix(df[, -1, drop = FALSE]); n <- nrow(obs); last <- as.integer(args[2])
control <- switch(args[3],
  default = list(),
  improved = list(noPeriods = 10, b = 4, w = 3, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
                  pThresholdTrend = 1, alpha = 0.1, thresholdMethod = "nbPlugin"))
control$range <- (n - last + 1):n
control$glmWarnings <- FALSE
s <- sts(observed = obs, frequency = 52, start = c(2000, 1))
elapsed <- system.time(res <- suppressWarnings(farringtonFlexible(s, control = control)))[["elapsed"]]
write.csv(upperbound(res), paste0(args[4], "_upperbound.csv"), row.names = FALSE)
cat(elapsed, ncol(obs) * last, "\n")
