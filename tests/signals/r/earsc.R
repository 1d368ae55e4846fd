# Reference runs of surveillance::earsC for the agreement tests, in one R session.
# usage: Rscript earsc.R INPUT_DIR OUTPUT_DIR METHOD...
# Each INPUT_DIR/NAME.csv has a `date` column and one column per series; for each method this writes
# OUTPUT_DIR/NAME_METHOD_upperbound.csv and ..._alarm.csv over R's default range (the periods it can evaluate).
suppressPackageStartupMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
files <- list.files(args[1], pattern = "\\.csv$", full.names = TRUE)
files <- files[!grepl("outbreaks", files)]
for (f in files) {
  df <- read.csv(f, check.names = FALSE)
  obs <- as.matrix(df[, -1, drop = FALSE])
  s <- sts(observed = obs, frequency = 52, start = c(2000, 1))
  name <- sub("\\.csv$", "", basename(f))
  for (method in args[-(1:2)]) {
    res <- earsC(s, control = list(method = method))
    n <- nrow(obs)
    first <- n - nrow(upperbound(res)) + 1
    for (what in c("upperbound", "alarm")) {
      values <- if (what == "upperbound") upperbound(res) else alarms(res) * 1
      out <- data.frame(date = df$date[first:n], values, check.names = FALSE)
      colnames(out) <- c("date", colnames(obs))
      write.csv(out, file.path(args[2], paste0(name, "_", method, "_", what, ".csv")), row.names = FALSE)
    }
  }
}
