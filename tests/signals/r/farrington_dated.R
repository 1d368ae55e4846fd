# Reference runs of surveillance::farringtonFlexible on series built from their dates (epochAsDate = TRUE),
# as an analyst's CSV of dated weeks reaches R: reference weeks are then picked by calendar date.
# usage: Rscript farrington_dated.R INPUT_DIR OUTPUT_DIR LAST [NAME...]   (NAME: only these files)
# For the original and the improved controls of ?farringtonFlexible, without limit54 (so that every
# series-week has a fitted model), and b = 1 .. 5. Writes OUTPUT_DIR/NAME_SETTING_b{B}_{upperbound,alarm,
# expected}.csv for the last LAST periods of each series; a file too short for b years back writes
# its name to OUTPUT_DIR/too_short_b{B}.txt.
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
last <- as.integer(args[3])
controls <- list(
  original = list(noPeriods = 1, w = 3, weightsThreshold = 1, pastWeeksNotIncluded = 3,
                  pThresholdTrend = 0.05, alpha = 0.1, limit54 = c(0, 4)),
  improved = list(noPeriods = 10, w = 3, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
                  pThresholdTrend = 1, alpha = 0.1, limit54 = c(0, 4)))
files <- list.files(args[1], pattern = "\\.csv$", full.names = TRUE)
files <- files[!grepl("outbreaks", files)]
if (length(args) > 3) files <- files[sub("\\.csv$", "", basename(files)) %in% args[-(1:3)]]
for (b in 1:5) {
  short <- character(0)
  for (f in files) {
    df <- read.csv(f, check.names = FALSE)
    obs <- as.matrix(df[, -1, drop = FALSE])
    n <- nrow(obs)
    name <- sub("\\.csv$", "", basename(f))
    dates <- as.Date(df$date)
    # the first period evaluated needs its reference week b years back, and w weeks around it
    if (dates[n - last + 1] - 365.25 * b - 7 * 4 < dates[1]) { short <- c(short, name); next }
    s <- sts(observed = obs, epoch = as.numeric(dates), frequency = 52, epochAsDate = TRUE)
    for (setting in names(controls)) {
      control <- modifyList(controls[[setting]], list(b = b, range = (n - last + 1):n, glmWarnings = FALSE))
      res <- suppressWarnings(farringtonFlexible(s, control = control))
      values <- list(upperbound = upperbound(res), alarm = alarms(res) * 1, expected = res@control$expected)
      for (what in names(values)) {
        out <- data.frame(date = df$date[(n - last + 1):n], values[[what]], check.names = FALSE)
        colnames(out) <- c("date", colnames(obs))
        write.csv(out, file.path(args[2], paste0(name, "_", setting, "_b", b, "_", what, ".csv")), row.names = FALSE)
      }
    }
  }
  writeLines(short, file.path(args[2], paste0("too_short_b", b, ".txt")))
}
