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
// A 寻榜编号 or 需求编号 column ([NeedIDHeader], [PlatformNeedIDHeader]; also
// 需求ID, 编号) gives each need its id, so that re-importing a sheet updates
// its needs; under 需求编号 a value that is no xunbang id is the platform's
// own number (platform_need_no). A row that names its enterprise only by a
// public alias (匿名公开, no credit code) is never joined to another row by
// that alias. A limit a draft may break (a short 主要问题) is a warning,
// the need 待补充; a money column headed in 元 is read as 万元.
// Input from outside is treated as hostile: the zip package is inspected
// before excelize sees it (sizes, compression ratios, part counts), and rows,
// columns, cell lengths and runs of empty rows are capped while reading; see
// [Limits]. The rows themselves are read by a scanner of the package's own
// (plainrows.go) for the plain XML that Excel, WPS, LibreOffice and xunbang
// write, giving exactly what excelize's row iterator gives, and by excelize
// from the first row the scanner does not read as plain.
//
// Export writes with excelize's StreamWriter only, so memory stays flat as
// the number of needs grows: the platform's upload sheet ([WritePlatform]),
// laid out by a platform profile ([Profiles]: jstec, the Jiangsu platform's,
// by default; xunbang, the earlier sheet), the 《技术需求汇编》 handbook
// ([WriteHandbook]) and the organisers' report ([WriteReport]). Every
// sheet's <dimension> is its real range and the default font is a Chinese
// one. Which needs go into which file, and what of them, follows one rule
// (docs/outputs.md): the handbook carries only needs whose enterprise
// confirmation is current and whose visibility is 实名公开 or 匿名公开,
// redacted by visibility through [forms.Catalogue.Publish]; the upload
// sheet carries the same needs but is no publication — it goes to the
// platform's operator and names the enterprise and its contact for
// 匿名公开 needs too, with the visibility and the alias in their own
// columns. 不公开 needs appear in neither. The report is internal and says
// so on each sheet: it counts every need, names an anonymous need by its
// alias and county, and lists a 不公开 one without title, enterprise,
// region, field or type (see [WriteReport]). The upload sheet carries the
// need's xunbang id (寻榜编号, or 需求编号 in the xunbang profile): the key
// by which the platform and [Read] recognise a need uploaded or imported
// again.
//
// The exporters read records through the small [Records] interface, which
// the store satisfies; the package imports neither the store nor any UI.
package xlsx
