# R's side of benchmarks/detect_series_benchmark.py: improved farringtonFlexible on the first SAMPLE series of
# a dated wide CSV (date + one column per series), the last LAST weeks, the sts built from the dates.
# usage: Rscript detect_series_timing.R INPUT.csv LAST SAMPLE OUTPUT.csv
# prints: seconds_to_load seconds_to_fit; writes the upper bounds (weeks x sampled series) to OUTPUT.csv.
began <- proc.time()[["elapsed"]]
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
df <- read.csv(args[1], check.names = FALSE)
last <- as.integer(args[2]); sample <- as.integer(args[3])
obs <- as.matrix(df[, 2:(sample + 1), drop = FALSE]); n <- nrow(obs)
s <- sts(observed = obs, epoch = as.numeric(as.Date(df$date)), frequency = 52, epochAsDate = TRUE)
control <- list(b = 5, w = 3, noPeriods = 10, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
                pThresholdTrend = 1, alpha = 0.01, thresholdMethod = "nbPlugin", range = (n - last + 1):n,
                glmWarnings = FALSE)
loaded <- proc.time()[["elapsed"]]
res <- suppressWarnings(farringtonFlexible(s, control = control))
fitted <- proc.time()[["elapsed"]]
write.csv(upperbound(res), args[4], row.names = FALSE)
cat(loaded - began, fitted - loaded, "\n")
