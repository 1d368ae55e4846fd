# Reference runs of surveillance::farringtonFlexible for the agreement tests, in one R session.
# usage: Rscript farrington.R INPUT_DIR OUTPUT_DIR LAST SETTING...
# SETTING: original | improved | improved-nb | improved-muan (R's documented controls, see the tests),
# original-all | improved-all (the same with limit54 = c(0, 4)); improved-pop (improved-all with
# populationOffset and the population 1000 + 10 t + 100 j of period t and series j, both from 1).
# Writes OUTPUT_DIR/NAME_SETTING_{upperbound,alarm,expected}.csv for the last LAST periods of each series;
# files too short for b = 4 years are skipped (their name goes to OUTPUT_DIR/too_short.txt).
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
last <- as.integer(args[3])
controls <- list(
  original = list(noPeriods = 1, b = 4, w = 3, weightsThreshold = 1, pastWeeksNotIncluded = 3,
                  pThresholdTrend = 0.05, alpha = 0.1),
  improved = list(noPeriods = 10, b = 4, w = 3, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
                  pThresholdTrend = 1, alpha = 0.1),
  `improved-nb` = list(noPeriods = 10, b = 4, w = 3, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
                       pThresholdTrend = 1, alpha = 0.1, thresholdMethod = "nbPlugin"),
  `improved-muan` = list(noPeriods = 10, b = 4, w = 3, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
                         pThresholdTrend = 1, alpha = 0.1, thresholdMethod = "muan"))
# the same without limit54 (0 cases needed), so that every series-week has a fitted model to compare
controls[["original-all"]] <- modifyList(controls[["original"]], list(limit54 = c(0, 4)))
controls[["improved-all"]] <- modifyList(controls[["improved"]], list(limit54 = c(0, 4)))
# with a population offset: a population growing over time and differing between series
controls[["improved-pop"]] <- modifyList(controls[["improved-all"]], list(populationOffset = TRUE))
files <- list.files(args[1], pattern = "\\.csv$", full.names = TRUE)
files <- files[!grepl("outbreaks", files)]
short <- character(0)
for (f in files) {
  df <- read.csv(f, check.names = FALSE)
  obs <- as.matrix(df[, -1, drop = FALSE])
  n <- nrow(obs)
  name <- sub("\\.csv$", "", basename(f))
  if (n - last < 52 * 4 + 3) { short <- c(short, name); next }
  pop <- outer(seq_len(n), seq_len(ncol(obs)), function(t, j) 1000 + 10 * t + 100 * j)
  for (setting in args[-(1:3)]) {
    s <- if (grepl("-pop$", setting)) sts(observed = obs, population = pop, frequency = 52, start = c(2000, 1)) else
      sts(observed = obs, frequency = 52, start = c(2000, 1))
    control <- controls[[setting]]
    control$range <- (n - last + 1):n
    control$glmWarnings <- FALSE
    res <- suppressWarnings(farringtonFlexible(s, control = control))
    dates <- df$date[(n - last + 1):n]
    values <- list(upperbound = upperbound(res), alarm = alarms(res) * 1, expected = res@control$expected)
    for (what in names(values)) {
      out <- data.frame(date = dates, values[[what]], check.names = FALSE)
      colnames(out) <- c("date", colnames(obs))
      write.csv(out, file.path(args[2], paste0(name, "_", setting, "_", what, ".csv")), row.names = FALSE)
    }
  }
}
writeLines(short, file.path(args[2], "too_short.txt"))
