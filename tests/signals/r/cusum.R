# Reference runs of surveillance::cusum for the agreement tests, in one R session.
# usage: Rscript cusum.R INPUT_DIR OUTPUT_DIR LAST SETTING...
# SETTING: a trans (standard, rossi, ...), or TRANS-glm for that trans with m = "glm".
# Writes OUTPUT_DIR/NAME_SETTING_{upperbound,alarm,cusum}.csv over the last LAST periods of each series.
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
last <- as.integer(args[3])
files <- list.files(args[1], pattern = "\\.csv$", full.names = TRUE)
files <- files[!grepl("outbreaks", files)]
for (f in files) {
  df <- read.csv(f, check.names = FALSE)
  obs <- as.matrix(df[, -1, drop = FALSE]); n <- nrow(obs)
  name <- sub("\\.csv$", "", basename(f))
  s <- sts(observed = obs, frequency = 52, start = c(2000, 1))
  for (setting in args[-(1:3)]) {
    control <- list(range = (n - last + 1):n, trans = sub("-glm$", "", setting))
    if (grepl("-glm$", setting)) control$m <- "glm"
    res <- cusum(s, control = control)
    stat <- sapply(seq_len(ncol(obs)), function(j) algo.cusum(sts2disProg(s[, j]), control = control)$cusum)
    values <- list(upperbound = upperbound(res), alarm = alarms(res) * 1, cusum = matrix(stat, ncol = ncol(obs)))
    for (what in names(values)) {
      out <- data.frame(values[[what]], check.names = FALSE)
      colnames(out) <- colnames(obs)
      write.csv(out, file.path(args[2], paste0(name, "_", setting, "_", what, ".csv")), row.names = FALSE)
    }
  }
}
