import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from services.eligibility.decide_cli import main

REPOSITORY = Path(__file__).resolve().parents[3]
SECTION_9_CASE = {
    "filed_on": "2026-02-01",
    "claimant": "insured",
    "force_majeure": False,
    "insured": {
        "birth_date": "1965-04-10",
        "death_date": None,
        "underground_mining_years": 0,
        "contribution_days": 900,
        "ceased_activity_on": "2025-12-31",
        "has_pension": False,
        "third_party_accident": False,
        "other_scheme": False,
        "already_refunded": False,
        "contributions": [{"year": 2020, "salary_share": "1000.00", "employer_share": "2000.00"}],
    },
    "beneficiaries": [],
    "revaluation": {"default_rate": "0.02", "rates": {"2025": "0.05"}},
}
SECTION_9_DECISION = {
    "outcome": "eligible",
    "reasons": [],
    "period": "P4",
    "event_date": "2025-04-10",
    "deadline": "2030-12-31",
    "refund_basis": "salary_and_employer",
    "amount": "3409.66",
    "shares": [],
    "undistributed": None,
}


def write_case(tmp_path: Path, document: object) -> Path:
    path = tmp_path / "case.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def test_the_section_9_example_prints_the_decision_and_exits_0(tmp_path, capsys):
    assert main([str(write_case(tmp_path, SECTION_9_CASE))]) == 0
    output = capsys.readouterr()
    assert json.loads(output.out) == SECTION_9_DECISION
    assert list(json.loads(output.out)) == list(SECTION_9_DECISION)
    assert output.err == ""


def test_the_decision_is_printed_indented_with_non_ascii_kept(tmp_path, capsys):
    main([str(write_case(tmp_path, SECTION_9_CASE))])
    assert capsys.readouterr().out == json.dumps(SECTION_9_DECISION, ensure_ascii=False, indent=2) + "\n"


def test_a_survivors_case_prints_the_shares(tmp_path, capsys):
    document = {
        "filed_on": "2026-02-01",
        "claimant": "survivors",
        "insured": {
            "birth_date": "1970-01-01",
            "death_date": "2025-06-01",
            "contribution_days": 400,
            "contributions": [{"year": 2015, "salary_share": "40000.00"}],
        },
        "beneficiaries": [
            {"id": "b1", "relation": "spouse"},
            {"id": "b2", "relation": "child", "birth_date": "2012-03-01"},
            {"id": "b3", "relation": "child", "birth_date": "2014-09-01", "orphan_of": "both_parents"},
        ],
        "revaluation": {"default_rate": "0.02", "rates": {}},
    }
    assert main([str(write_case(tmp_path, document))]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["amount"] == "48759.78"
    assert decision["shares"] == [
        {"id": "b1", "amount": "24379.89"},
        {"id": "b2", "amount": "12189.95"},
        {"id": "b3", "amount": "12189.94"},
    ]
    assert decision["undistributed"] == "0.00"


def test_a_dash_reads_the_case_from_standard_input(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(SECTION_9_CASE)))
    assert main(["-"]) == 0
    assert json.loads(capsys.readouterr().out)["amount"] == "3409.66"


def test_another_rate_table_can_be_given(tmp_path, capsys):
    rates = tmp_path / "rates.json"
    rates.write_text(json.dumps({"default_rate": "0"}), encoding="utf-8")
    document = {**SECTION_9_CASE, "revaluation": None}
    assert main(["--rates", str(rates), str(write_case(tmp_path, document))]) == 0
    assert json.loads(capsys.readouterr().out)["amount"] == "3000.00"


MALFORMED = [
    ("{", "error: case: invalid JSON at line 1 column 2: Expecting property name enclosed in double quotes"),
    (json.dumps({**SECTION_9_CASE, "filed_on": "2026-02-30"}), "error: filed_on: invalid date '2026-02-30'"),
    (
        json.dumps({**SECTION_9_CASE, "insured": {**SECTION_9_CASE["insured"], "birth_date": "1965-13-01"}}),
        "error: insured.birth_date: invalid date '1965-13-01'",
    ),
    (json.dumps({**SECTION_9_CASE, "force_majuere": True}), "error: force_majuere: unknown field"),
    (
        json.dumps({**SECTION_9_CASE, "insured": {**SECTION_9_CASE["insured"], "contribution_days": "900"}}),
        "error: insured.contribution_days: expected an integer, got '900'",
    ),
    (
        json.dumps(
            {
                **SECTION_9_CASE,
                "insured": {**SECTION_9_CASE["insured"], "contributions": [{"year": 2020, "salary_share": "12x"}]},
            }
        ),
        "error: insured.contributions[0].salary_share: invalid amount '12x'",
    ),
    ("[1, 2]", "error: case: expected an object, got [1, 2]"),
    (
        json.dumps(SECTION_9_CASE).replace('"salary_share": "1000.00"', '"salary_share": 1000.50'),
        "error: insured.contributions[0].salary_share: invalid amount 1000.50",
    ),
    (
        json.dumps(SECTION_9_CASE).replace('"underground_mining_years": 0', '"underground_mining_years": "4.9"'),
        "error: insured.underground_mining_years: expected a number of years, got '4.9'",
    ),
    (
        json.dumps(SECTION_9_CASE).replace('"underground_mining_years": 0', '"underground_mining_years": 4.999'),
        "error: insured.underground_mining_years: invalid years 4.999: at most 2 decimals",
    ),
    (  # a float would round this to 5.0, enough for the miner's age: read as written, it is refused
        json.dumps(SECTION_9_CASE).replace(
            '"underground_mining_years": 0', '"underground_mining_years": 4.9999999999999999999'
        ),
        "error: insured.underground_mining_years: invalid years 4.9999999999999999999: at most 2 decimals",
    ),
    (
        json.dumps(SECTION_9_CASE).replace('"underground_mining_years": 0', '"underground_mining_years": -0.5'),
        "error: insured.underground_mining_years: invalid years -0.5: must be between 0 and 80",
    ),
]


@pytest.mark.parametrize(("text", "expected_error"), MALFORMED)
def test_a_malformed_case_exits_2_with_one_line_naming_the_bad_field(tmp_path, capsys, text, expected_error):
    assert main([str(write_case(tmp_path, text))]) == 2
    output = capsys.readouterr()
    assert output.out == ""
    assert output.err == expected_error + "\n"


@pytest.mark.parametrize("argv", [[], ["a.json", "b.json"], ["--verbose"], ["--rates"]])
def test_bad_arguments_exit_2_with_the_usage(argv, capsys):
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: ") and "usage: decide" in error and error.count("\n") == 1


def test_a_missing_case_file_exits_2_naming_the_file(tmp_path, capsys):
    assert main([str(tmp_path / "absent.json")]) == 2
    assert capsys.readouterr().err.startswith(f"error: {tmp_path / 'absent.json'}: cannot read the case")


def test_a_broken_rate_table_exits_1(tmp_path, capsys):
    rates = tmp_path / "rates.json"
    rates.write_text("{}", encoding="utf-8")
    assert main(["--rates", str(rates), str(write_case(tmp_path, SECTION_9_CASE))]) == 1
    assert capsys.readouterr().err.startswith(f"error: {rates}: ")


RUN_MAIN = "import sys; from services.eligibility.decide_cli import main; sys.exit(main(sys.argv[1:]))"


def run_cli(*arguments: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUN_MAIN, *arguments],
        cwd=REPOSITORY,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_the_command_prints_the_decision_in_a_separate_process(tmp_path):
    completed = run_cli(str(write_case(tmp_path, SECTION_9_CASE)))
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == SECTION_9_DECISION


def test_the_command_reads_standard_input_in_a_separate_process():
    completed = run_cli("-", stdin=json.dumps(SECTION_9_CASE))
    assert (completed.returncode, json.loads(completed.stdout)["deadline"]) == (0, "2030-12-31")


def test_the_command_rejects_a_bad_date_in_a_separate_process(tmp_path):
    document = {**SECTION_9_CASE, "insured": {**SECTION_9_CASE["insured"], "birth_date": "1965-13-01"}}
    completed = run_cli(str(write_case(tmp_path, document)))
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.splitlines() == ["error: insured.birth_date: invalid date '1965-13-01'"]


MINER_AT_55 = {
    **SECTION_9_CASE,
    "filed_on": "2025-06-01",
    "insured": {**SECTION_9_CASE["insured"], "birth_date": "1970-06-01", "ceased_activity_on": "2025-01-31"},
}


def miner_case_text(years: str) -> str:
    """The case with the underground years written exactly as given (JSON numbers, not Python floats)."""
    text = json.dumps(MINER_AT_55)
    assert '"underground_mining_years": 0' in text
    return text.replace('"underground_mining_years": 0', f'"underground_mining_years": {years}')


@pytest.mark.parametrize(
    ("years", "outcome", "reasons", "event_date", "deadline"),
    [
        ("4.9", "ineligible", ["AGE_NOT_REACHED"], "2030-06-01", "2035-06-01"),
        ("4.99", "ineligible", ["AGE_NOT_REACHED"], "2030-06-01", "2035-06-01"),
        ("5", "eligible", [], "2025-06-01", "2030-06-01"),
        ("5.0", "eligible", [], "2025-06-01", "2030-06-01"),
        ("5.00", "eligible", [], "2025-06-01", "2030-06-01"),
        ("5.5", "eligible", [], "2025-06-01", "2030-06-01"),
    ],
)
def test_fractional_underground_years_are_decided_with_five_as_the_minimum(
    tmp_path, capsys, years, outcome, reasons, event_date, deadline
):
    assert main([str(write_case(tmp_path, miner_case_text(years)))]) == 0
    decision = json.loads(capsys.readouterr().out)
    assert (decision["outcome"], decision["reasons"]) == (outcome, reasons)
    assert (decision["event_date"], decision["deadline"]) == (event_date, deadline)
    assert list(decision) == list(SECTION_9_DECISION)  # the same section 9 keys, whatever the years


def test_the_command_decides_a_case_with_4_9_underground_years_as_a_module():
    completed = subprocess.run(
        [sys.executable, "-m", "services.eligibility", "decide", "-"],
        cwd=REPOSITORY,
        input=miner_case_text("4.9"),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    decision = json.loads(completed.stdout)
    assert (decision["outcome"], decision["reasons"], decision["event_date"]) == (
        "ineligible",
        ["AGE_NOT_REACHED"],
        "2030-06-01",
    )


def test_the_command_replays_with_the_rate_table_the_service_is_configured_with(tmp_path):
    rates = tmp_path / "rates.json"
    rates.write_text(json.dumps({"default_rate": "0"}), encoding="utf-8")
    document = {**SECTION_9_CASE, "revaluation": None}
    completed = subprocess.run(
        [sys.executable, "-m", "services.eligibility", "decide", str(write_case(tmp_path, document))],
        cwd=REPOSITORY,
        env={**os.environ, "ELIGIBILITY_REVALUATION_RATES_FILE": str(rates)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["amount"] == "3000.00"
