"""Writes the sample statements of tests/statements (run: .venv/bin/python tests/data/statements/generate.py).

The layouts follow the banks' own exports: 工商银行 (GBK CSV, title rows, 借/贷 and two amount columns, 凭证号),
建设银行 (UTF-8 with BOM, 账户明细编号-交易流水号, 贷方发生额（收入）), 农业银行 (xlsx, 收入金额/支出金额, numbers as
spreadsheet numbers, 日志号), 中国银行 (pipe-separated text with bilingual headers and signed amounts), an MT940 and
a camt.053. The court's fund account in tests/conftest.py is 2705020109000012345.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

HERE = Path(__file__).parent
ACCOUNT = "2705020109000012345"

ICBC = f"""工商银行企业网上银行历史明细
账号：{ACCOUNT},户名：天水市麦积区人民法院执行款专户
起止日期：2026-03-01 至 2026-03-05,币种：人民币
凭证号,本方账号,对方账号,交易时间,借/贷,借方发生额,贷方发生额,对方行号,摘要,用途,对方单位名称,余额,个性化信息
ICBC20260302001,{ACCOUNT},6222020200012345678,2026-03-02 09:15:22,贷,,"12,000.50",102821000012,汇入,（2026）甘0503执123号 案款,张三,"1,012,000.50",
ICBC20260302002,{ACCOUNT},3700000000000000001,2026-03-02 14:02:10,借,500.00,,102821000012,转账,手续费,中国工商银行天水分行,"1,011,500.50",
ICBC20260303001,{ACCOUNT},91620000000000000777,2026-03-03-10.20.30,贷,,8000,313821000018,汇入,执行款 天水示例建材有限公司,天水示例建材有限公司,"1,019,500.50",
合计,,,,,500.00,"20,000.50",,,,,,
"""

CCB_HEADER = ("账号,交易时间,借方发生额（支取）,贷方发生额（收入）,余额,币种,对方户名,对方账号,对方开户机构,记账日期,摘要,备注,"
              "账户明细编号-交易流水号,企业流水号,凭证种类,凭证号")
CCB = f"""中国建设银行单位账户明细
账号:{ACCOUNT}
账户名称:天水市麦积区人民法院执行款专户
开户行:中国建设银行天水分行
{CCB_HEADER}
{ACCOUNT},2026-03-04 10:01:02,0.00,"3,000.00","1,022,500.50",人民币,李四,6217000000000000001,中国建设银行兰州分行,20260304,跨行转入,6205032611230004 李四还款,62050000012345678-0001,,,
{ACCOUNT},2026-03-04 11:30:00,0.00,250.25,"1,022,750.75",人民币,王五,6228480000000000002,中国农业银行天水分行,20260304,转入,不知道交给谁,62050000012345678-0002,,,
{ACCOUNT},2026-03-05 16:45:59,"1,200.00",0.00,"1,021,550.75",人民币,甘肃某律师事务所,6212000000000000003,中国工商银行兰州分行,20260305,转账支出,退款,62050000012345678-0003,,,
"""

BOC_HEADER = ("交易类型[ Transaction Type ]|业务类型[ Business type ]|付款人开户行号[ Account holding bank number of payer ]|"
              "付款人开户行名[ Payer account bank ]|付款人账号[ Debit Account No. ]|付款人名称[ Payer's Name ]|"
              "收款人开户行行号[ Account holding bank number of beneficiary ]|收款人开户行名[ Beneficiary account bank ]|"
              "收款人账号[ Payee's Account Number ]|收款人名称[ Payee's Name ]|交易日期[ Transaction Date ]|"
              "交易时间[ Transaction time ]|交易货币[ Trade Currency ]|交易金额[ Trade Amount ]|"
              "交易后余额[ After-transaction balance ]|起息日期[ Value Date ]|汇率[ Exchange rate ]|"
              "交易流水号[ Transaction reference number ]|摘要[ Reference ]|用途[ Purpose ]|交易附言[ Remark ]|"
              "备注[ Remarks ]|")
BOC = f"""查询账号[ Inquirer account number ]|{ACCOUNT}|
总笔数[ Total number ]|3|
查询时间范围[ Time Range ]|20260301-20260305|
{BOC_HEADER}
来账|转账收入|104821000015|中国银行天水分行|6013820000000000011|赵六|104821000015|中国银行天水麦积支行|{ACCOUNT}|天水市麦积区人民法院执行款专户|20260303|10:18:11|CNY|+66,000.00|+1,088,000.00|20260303|1.000000|BOC75783669085|汇款|执行款|（2026）甘0503执8号|无|
往账|收费|104821000015|中国银行天水麦积支行|{ACCOUNT}|天水市麦积区人民法院执行款专户|||||20260304|16:06:05|CNY|-22.78|+1,087,977.22|20260304|1.000000|BOC118992092061|收费|汇划费|||
来账|转账收入|104821000015|中国银行天水分行|6013820000000000012|天水示例建材有限公司|104821000015|中国银行天水麦积支行|{ACCOUNT}|天水市麦积区人民法院执行款专户|20260305|09:00:00|CNY|+1,234.56|+1,089,211.78|20260305|1.000000|BOC75783669099|汇款|货款||分期第一期|
"""

MT940 = f""":20:STMT20260305
:25:{ACCOUNT}
:28C:00015/001
:60F:C260301CNY1000000,00
:61:2603020302C12000,50NTRFNONREF//MT2026030200001
:86:/NAME/张三/ACCT/6222020200012345678/BANK/中国工商银行天水分行/REMI/（2026）甘0503执123号 案款
:61:2603020302D500,00NMSCNONREF//MT2026030200002
:86:手续费
:61:2603040304C3000,00NTRFNONREF//MT2026030400003
:86:/NAME/李四/ACCT/6217000000000000001/REMI/6205032611230004 李四还款
:62F:C260304CNY1014500,50
"""

CAMT = f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>CAMT20260305</MsgId><CreDtTm>2026-03-05T18:00:00+08:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-2026-03-05</Id>
      <CreDtTm>2026-03-05T18:00:00+08:00</CreDtTm>
      <FrToDt><FrDtTm>2026-03-01T00:00:00+08:00</FrDtTm><ToDtTm>2026-03-05T23:59:59+08:00</ToDtTm></FrToDt>
      <Acct><Id><Othr><Id>{ACCOUNT}</Id></Othr></Id><Ccy>CNY</Ccy>
        <Svcr><FinInstnId><Nm>中国工商银行天水麦积支行</Nm></FinInstnId></Svcr></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">1000000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2026-03-01</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="CNY">1011500.50</Amt><CdtDbtInd>CRDT</CdtDbtInd>
        <Dt><Dt>2026-03-05</Dt></Dt></Bal>
      <Ntry>
        <Amt Ccy="CNY">12000.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-03-02</Dt></BookgDt><ValDt><Dt>2026-03-02</Dt></ValDt>
        <AcctSvcrRef>CAMT2026030200001</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <RltdPties><Dbtr><Pty><Nm>张三</Nm></Pty></Dbtr>
            <DbtrAcct><Id><Othr><Id>6222020200012345678</Id></Othr></Id></DbtrAcct></RltdPties>
          <RltdAgts><DbtrAgt><FinInstnId><Nm>中国工商银行天水分行</Nm></FinInstnId></DbtrAgt></RltdAgts>
          <RmtInf><Ustrd>（2026）甘0503执123号 案款</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>
      <Ntry>
        <Amt Ccy="CNY">500.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-03-03</Dt></BookgDt>
        <AcctSvcrRef>CAMT2026030300002</AcctSvcrRef>
        <AddtlNtryInf>手续费</AddtlNtryInf>
      </Ntry>
      <Ntry>
        <Amt Ccy="CNY">99.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>PDNG</Cd></Sts>
        <BookgDt><Dt>2026-03-05</Dt></BookgDt>
        <AcctSvcrRef>CAMT2026030500009</AcctSvcrRef>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
"""


def write_xlsx(path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["中国农业银行账户明细查询"])
    sheet.append([f"账号：{ACCOUNT}", None, "户名：天水市麦积区人民法院执行款专户"])
    sheet.append(["起止日期：2026-03-01 至 2026-03-05"])
    sheet.append(["交易日期", "交易时间", "收入金额", "支出金额", "本次余额", "对方户名", "对方账号", "对方开户行",
                  "交易用途", "日志号", "子账号"])
    sheet.append([datetime(2026, 3, 2), "09:00:01", 5000, None, 1005000, "孙七", "6228480000000000009",
                  "中国农业银行天水分行", "（2026）甘0503执45号 执行款", "ABC0001", "62050326112300450"])
    sheet.append(["20260303", "15:20:00", 1234.5, None, 1006234.5, "天水示例建材有限公司", "91620000000000000777",
                  "中国农业银行天水分行", "还款", "ABC0002", None])
    sheet.append(["2026-03-04", "08:00:00", None, 88.8, 1006145.7, "中国农业银行", "", "", "账户管理费", "ABC0003",
                  None])
    sheet.append(["合计", None, 6234.5, 88.8])
    book.save(path)


def main() -> None:
    (HERE / "icbc_gbk.csv").write_bytes(ICBC.replace("\n", "\r\n").encode("gbk"))
    (HERE / "ccb_utf8_bom.csv").write_bytes(b"\xef\xbb\xbf" + CCB.encode("utf-8"))
    (HERE / "boc.txt").write_bytes(BOC.encode("gb18030"))
    (HERE / "statement.mt940").write_bytes(MT940.encode("utf-8"))
    (HERE / "camt053.xml").write_bytes(CAMT.encode("utf-8"))
    write_xlsx(HERE / "abc.xlsx")


if __name__ == "__main__":
    main()
