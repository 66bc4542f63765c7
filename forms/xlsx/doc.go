// Package xlsx is xunbang's Excel interchange, driven by the field catalogue
// of package forms.
//
// Import ([Read], [ReadFile]) takes the 需求征集表 workbooks people really
// make — title rows and notes above the header, merged cells, blank rows, a
// 合计 or signature row at the bottom, numbers stored as text, money written
// as 50万 or 面议 — and turns them into a [Batch] of enterprises and needs
// plus a list of [Problem]s, each naming its sheet, row, column and field.
// A missing required value is not a problem: the need comes in as 待补充 with
// the missing fields listed. A present but malformed value is an error.
// A 需求编号 column ([PlatformNeedIDHeader]; also 需求ID, 编号) gives each
// need its id, so that re-importing a sheet updates its needs; a row that
// names its enterprise only by a public alias (匿名公开, no credit code) is
// never joined to another row by that alias.
// Input from outside is treated as hostile: the zip package is inspected
// before excelize sees it (sizes, compression ratios, part counts), and rows,
// columns, cell lengths and runs of empty rows are capped while reading; see
// [Limits].
//
// Export writes with excelize's StreamWriter only, so memory stays flat as
// the number of needs grows: the platform's batch-upload sheet
// ([WritePlatform]), the 《技术需求汇编》 handbook ([WriteHandbook]) and the
// organisers' report ([WriteReport]). Which needs go into which file, and
// what of them, follows one rule (DESIGN.md): the platform sheet and the
// handbook carry only needs whose enterprise confirmation is current and
// whose visibility is 实名公开 or 匿名公开, redacted by visibility through
// [forms.Catalogue.Publish]; 不公开 needs appear in no public output. The
// report is internal and says so on each sheet: it counts every need, names
// an anonymous need by its alias and county, and lists a 不公开 one without
// title, enterprise, region, field or type (see [WriteReport]). The
// platform sheet's last column is the need's full id (需求编号): not
// confidential (cards print its short form), and the key by which the
// platform and [Read] recognise a need uploaded or imported again.
//
// The exporters read records through the small [Records] interface, which
// the store satisfies; the package imports neither the store nor any UI.
package xlsx
