"""Ugly household sheets, made by code: the shapes offices and the national system hand out."""

import csv
from pathlib import Path
from typing import Any

import xlsxwriter

from tests.registry.conftest import id_number

# The national export's columns, in its order (a subset is enough for most files).
HEADER = [
    "户编号",
    "乡（镇）",
    "行政村",
    "户属性",
    "识别标准",
    "主要致贫原因",
    "识别年度",
    "脱贫状态",
    "姓名",
    "证件号码",
    "与户主关系",
    "民族",
    "健康状况",
    "劳动技能",
    "出生日期",
]


def family_ids(number: str) -> tuple[str, str, str]:
    """Head (a man), wife and son of household ``number``: distinct for each number up to
    10,000 (the number's last four digits give the serial and the birth year)."""
    k = int(number[-4:])
    year, serial = k // 500, k % 500 * 2
    return (
        id_number(f"{1950 + year}0312", f"{serial + 1:03d}"),
        id_number(f"{1950 + year}0705", f"{serial:03d}"),
        id_number(f"{1980 + year}0101", f"{serial + 1:03d}"),
    )


HEAD_ID, WIFE_ID, SON_ID = family_ids("6111030022010101")
OTHER_ID = id_number("19700101", "902")


def family(number: str = "6111030022010101", village: str = "马家寨村") -> list[list[Any]]:
    base = [number, "钓台街道", village, "一般贫困户", "国家标准", "因病", 2016, "未脱贫"]
    head, wife, son = family_ids(number)
    return [
        base + ["马建国", head, "户主", "汉族", "患有大病", "弱劳动力或半劳动力", ""],
        base + ["李秀兰", wife, "配偶", "汉族", "健康", "普通劳动力", f"{wife[6:10]}年7月5日"],
        base + ["马小军", son, "之子", "汉族", "健康", "普通劳动力", son[6:14]],
    ]


def xlsx(path: Path, rows: list[list[Any]], *, above: list[list[Any]] = (), merged=None) -> Path:
    """Rows written as Excel would hold them: numbers as numbers, text as text."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("户信息")
    for number, row in enumerate([*above, *rows]):
        for column, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(number, column, value)
            else:
                sheet.write(number, column, value)
    for first_row, first_col, last_row, last_col, text in merged or []:
        sheet.merge_range(first_row, first_col, last_row, last_col, text)
    book.close()
    return path


def csv_file(path: Path, rows: list[list[Any]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def xls(path: Path, rows: list[list[Any]]) -> Path:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("户信息")
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            sheet.write(number, column, value)
    book.save(str(path))
    return path
