"""Household income projects (到户项目): the household plan's measures of the income kinds."""

# The kinds of plan measure (``plan_measure`` code values) that are a household income
# project: 产业 1, 就业 2, 小额信贷 7, 生态公益岗位 9, 消费 11, 金融 12.
INCOME_MEASURES = ("1", "2", "7", "9", "11", "12")
