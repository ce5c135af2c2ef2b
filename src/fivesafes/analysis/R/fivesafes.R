# fivesafes.R: checked outputs from R, made by the Python library fivesafes.analysis.
#
#   source("/opt/fivesafes/lib/fivesafes/analysis/R/fivesafes.R")
#   t <- fs_crosstab(persons, index = "region", columns = "sex")
#   m <- fs_ols(income ~ age + region, data = persons)
#
# Each function writes the variables it needs to a temporary CSV file (in the sandbox's
# private /tmp, removed afterwards), runs `python -m fivesafes.analysis run ...`, which
# computes, checks and records the output in the outputs area exactly as the Python
# functions do, prints the verdict, and returns the recorded table (one line a cell) as a
# data frame. One implementation of the rules serves both languages, so an R table and a
# Python table of the same data get the same verdict and the same record. Base R only.

fs_python <- function() Sys.getenv("FIVESAFES_PYTHON", "python3")

.fs_run <- function(fun, data, vars, options) {
  missing_vars <- setdiff(vars, names(data))
  if (length(missing_vars) > 0) {
    stop("fivesafes: the data have no column ", paste(missing_vars, collapse = ", "),
         call. = FALSE)
  }
  input <- tempfile(fileext = ".csv")
  table <- tempfile(fileext = ".csv")
  on.exit(unlink(c(input, table)), add = TRUE)
  utils::write.csv(data[, unique(vars), drop = FALSE], input, row.names = FALSE, na = "")
  args <- c("-m", "fivesafes.analysis", "run", fun,
            "--data", shQuote(input), "--table-out", shQuote(table))
  for (key in names(options)) {
    value <- options[[key]]
    if (is.null(value) || identical(value, FALSE)) next
    flag <- paste0("--", gsub("_", "-", key))
    if (isTRUE(value)) {
      args <- c(args, flag)
    } else {
      args <- c(args, flag, shQuote(paste(value, collapse = ",")))
    }
  }
  status <- system2(fs_python(), args)
  if (!identical(as.integer(status), 0L)) {
    stop("fivesafes: the output was not recorded (the reason is printed above)", call. = FALSE)
  }
  invisible(utils::read.csv(table, check.names = FALSE, stringsAsFactors = FALSE))
}

fs_crosstab <- function(data, index, columns = NULL, values = NULL, aggfunc = NULL,
                        margins = FALSE, name = NULL) {
  .fs_run("crosstab", data, c(index, columns, values),
          list(index = index, columns = columns, values = values, aggfunc = aggfunc,
               margins = margins, name = name))
}

fs_pivot_table <- function(data, values, index, columns = NULL, aggfunc = "mean",
                           margins = FALSE, name = NULL) {
  .fs_run("pivot_table", data, c(index, columns, values),
          list(index = index, columns = columns, values = values, aggfunc = aggfunc,
               margins = margins, name = name))
}

.fs_model <- function(kind, formula, data, name) {
  text <- paste(deparse(formula, width.cutoff = 500L), collapse = " ")
  .fs_run(kind, data, all.vars(formula), list(formula = text, name = name))
}

fs_ols <- function(formula, data, name = NULL) .fs_model("ols", formula, data, name)
fs_logit <- function(formula, data, name = NULL) .fs_model("logit", formula, data, name)
fs_probit <- function(formula, data, name = NULL) .fs_model("probit", formula, data, name)

fs_hist <- function(data, column, bins = 10, name = NULL) {
  .fs_run("hist", data, column, list(column = column, bins = bins, name = name))
}

fs_survival_table <- function(data, time, event, interval = NULL, name = NULL) {
  .fs_run("survival_table", data, c(time, event),
          list(time = time, event = event, interval = interval, name = name))
}

fs_import_acro <- function(folder) {
  status <- system2(fs_python(), c("-m", "fivesafes.analysis", "import-acro", shQuote(folder)))
  invisible(identical(as.integer(status), 0L))
}

.fs_note <- function(kind, output, text) {
  status <- system2(fs_python(), c("-m", "fivesafes.analysis", kind, shQuote(output),
                                   shQuote(text)))
  if (!identical(as.integer(status), 0L)) {
    stop("fivesafes: the ", kind, " was not recorded (the reason is printed above)",
         call. = FALSE)
  }
  invisible(TRUE)
}

fs_add_comments <- function(output, comment) .fs_note("comment", output, comment)
fs_add_exception <- function(output, reason) .fs_note("exception", output, reason)
