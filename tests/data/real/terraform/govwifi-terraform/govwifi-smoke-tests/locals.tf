## Relates to the Smoke Test Notify Account!
locals {
  notify_go_template_id  = "ab004ebd-c74f-43e3-95bc-60c9bd325a83"
  smoketest_phone_number = "+447860003343"
}