"""The console's roles and what each is called on screen (the command line reads this, not the accounts
module, to stay quick)."""

COORDINATOR, ANALYST, AGENCY = "coordinator", "analyst", "agency"
ROLES = {
    COORDINATOR: "省质量强省工作推进委员会办公室（协调）",
    ANALYST: "监测分析人员",
    AGENCY: "责任部门工作人员",
}
