variable "env_subdomain" {
}

variable "route53_zone_id" {
}

variable "status_page_domain" {
}

