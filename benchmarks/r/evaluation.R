# R's methods on the simulated series of benchmarks/evaluation_benchmark.py (Noufaily et al. 2013's design).
# usage: Rscript evaluation.R INPUT_DIR OUTPUT_DIR LAST
# INPUT_DIR holds scenario_NN.csv (a date column and one column per simulated series). For each file and
# method, writes OUTPUT_DIR/scenario_NN_METHOD.csv (the alarms of the last LAST weeks, 1/0, NA where R
# gives none) and OUTPUT_DIR/timing.csv (seconds per method). Series are built from their dates
# (epochAsDate = TRUE), as an analyst's CSV reaches R.
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
last <- as.integer(args[3])
original <- list(b = 5, w = 3, noPeriods = 1, weightsThreshold = 1, pastWeeksNotIncluded = 3,
                 pThresholdTrend = 0.05, alpha = 0.05)
improved <- list(b = 5, w = 3, noPeriods = 10, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
                 pThresholdTrend = 1, alpha = 0.05, thresholdMethod = "nbPlugin")
methods <- list(
  `farrington-original` = function(s, r) farringtonFlexible(s, control = c(original, list(range = r, glmWarnings = FALSE))),
  `farrington-improved` = function(s, r) farringtonFlexible(s, control = c(improved, list(range = r, glmWarnings = FALSE))),
  `farrington-improved-0.01` = function(s, r) farringtonFlexible(s, control = modifyList(improved, list(alpha = 0.01, range = r, glmWarnings = FALSE))),
  `ears-c1` = function(s, r) earsC(s, control = list(range = r, method = "C1")),
  `ears-c2` = function(s, r) earsC(s, control = list(range = r, method = "C2")),
  `ears-c3` = function(s, r) earsC(s, control = list(range = r, method = "C3")),
  # glrnb with R's defaults (Poisson, c.ARL 5, mu0 fitted on the weeks before the range), one series at a time;
  # its progress lines ("Running algo.glrnb on area ...") kept out of the benchmark's output
  glrnb = function(s, r) {
    res <- NULL
    invisible(capture.output(res <- glrnb(s, control = list(range = r, c.ARL = 5))))
    res
  })
timing <- setNames(numeric(length(methods)), names(methods))
for (f in list.files(args[1], pattern = "^scenario_.*\\.csv$", full.names = TRUE)) {
  df <- read.csv(f, check.names = FALSE)
  obs <- as.matrix(df[, -1, drop = FALSE])
  n <- nrow(obs)
  s <- sts(observed = obs, epoch = as.numeric(as.Date(df$date)), frequency = 52, epochAsDate = TRUE)
  r <- (n - last + 1):n
  name <- sub("\\.csv$", "", basename(f))
  for (m in names(methods)) {
    began <- proc.time()[["elapsed"]]
    res <- suppressWarnings(methods[[m]](s, r))
    timing[[m]] <- timing[[m]] + proc.time()[["elapsed"]] - began
    write.csv(alarms(res) * 1, file.path(args[2], paste0(name, "_", m, ".csv")), row.names = FALSE)
  }
}
write.csv(data.frame(method = names(timing), seconds = timing), file.path(args[2], "timing.csv"), row.names = FALSE)
