variable "name" {
  description = "Name of the deployment; prefixes the alarms and (with the region) names the dashboard."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,200}$", var.name))
    error_message = "name must be 1-200 letters, digits, hyphens or underscores."
  }
}

variable "handler" {
  description = "Names of what the handler module created (its outputs): function, queue, dead-letter queue, and EventBridge rules by purpose. Names, not ARNs: they are the metrics' dimensions and are known at plan time."
  type = object({
    function_name          = string
    queue_name             = string
    dead_letter_queue_name = string
    rule_names             = map(string)
  })

  validation {
    condition     = !can(regex("^arn:", var.handler.queue_name)) && !can(regex("^arn:", var.handler.dead_letter_queue_name))
    error_message = "handler.queue_name and handler.dead_letter_queue_name are queue names, not ARNs; pass module.handler's queue_name and dead_letter_queue_name outputs."
  }
}

variable "metric_namespace" {
  description = "CloudWatch namespace of the handler's own metrics (events by outcome, alert failures)."
  type        = string

  validation {
    condition     = length(var.metric_namespace) > 0 && length(var.metric_namespace) <= 255
    error_message = "metric_namespace must be 1-255 characters; use the namespace the handler writes (METRIC_NAMESPACE)."
  }
}

variable "thresholds" {
  description = "When the alarms fire. oldest_message_age_seconds: an event waiting this long in the handler queue means a stuck or slow consumer; errors, throttles and failed_events (events the handler failed, each retried by SQS; a batch of only failures raises no error): per period_seconds."
  type = object({
    oldest_message_age_seconds = optional(number, 900)
    errors                     = optional(number, 1)
    throttles                  = optional(number, 1)
    failed_events              = optional(number, 1)
    period_seconds             = optional(number, 300)
  })
  default = {}

  validation {
    condition     = var.thresholds.oldest_message_age_seconds >= 60 && var.thresholds.errors >= 1 && var.thresholds.throttles >= 1 && var.thresholds.failed_events >= 1
    error_message = "thresholds.oldest_message_age_seconds must be 60 or more, and errors, throttles and failed_events 1 or more."
  }

  validation {
    condition     = contains([60, 300, 900, 3600], var.thresholds.period_seconds)
    error_message = "thresholds.period_seconds must be 60, 300, 900 or 3600."
  }
}

variable "optional_parts" {
  description = "Parts of the pipeline in use, drawn on the dashboard when set: the reconciler's function, the history rule's dead-letter queue, and scheduled tasks (state machine ARN, and the skipped-runs metric from modules/scheduled_task)."
  type = object({
    reconciler_function_name       = optional(string)
    history_dead_letter_queue_name = optional(string)
    scheduled_tasks = optional(list(object({
      state_machine_arn = string
      skipped_runs_metric = optional(object({
        namespace   = string
        metric_name = string
        dimensions  = map(string)
      }))
    })), [])
  })
  default = {}

  validation {
    condition     = alltrue([for job in var.optional_parts.scheduled_tasks : can(regex("^arn:[^:]+:states:", job.state_machine_arn))])
    error_message = "optional_parts.scheduled_tasks[*].state_machine_arn must be Step Functions state machine ARNs."
  }
}

variable "alarm_actions" {
  description = "ARNs (SNS topics) notified when an alarm changes state; empty leaves the alarms visible in the console only."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags for every resource the module creates."
  type        = map(string)
  default     = {}
}
