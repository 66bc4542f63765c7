package forms

import (
	"io"

	"github.com/xunbang/xunbang/forms/regions"
)

// The administrative regions live in package forms/regions (the statistical
// division codes of all of China, embedded, and the town names people still
// write); these names keep forms' API, which the catalogue's region fields,
// the readers and the writers use, working through it.

// RegionLevel is the administrative level of a region, told by its code.
type RegionLevel = regions.Level

// The region levels, from the top.
const (
	RegionProvince = regions.Province
	RegionCity     = regions.City
	RegionCounty   = regions.County
	RegionTown     = regions.Town
)

// Region is one administrative region.
type Region = regions.Region

// RegionIndex is a read-only table of regions, safe for concurrent use.
type RegionIndex = regions.Index

// RegionAlias is a town name people still write that the division codes no
// longer carry.
type RegionAlias = regions.Alias

// Regions returns the embedded region index (regions.Default).
func Regions() *RegionIndex { return regions.Default() }

// RegionsFor returns an index of the embedded table that answers for the
// given codes, every province, city and county (regions.DefaultSubset):
// for a list that names the towns of its rows without holding the whole
// table.
func RegionsFor(codes []string) *RegionIndex { return regions.DefaultSubset(codes) }

// ParseRegions reads an uncompressed region table (regions.Parse).
func ParseRegions(r io.Reader) (*RegionIndex, error) { return regions.Parse(r) }

// RegionCodePrefix returns the digits every region inside code shares
// (regions.CodePrefix).
func RegionCodePrefix(code string) string { return regions.CodePrefix(code) }

// RegionAliases returns the embedded alias table (regions.Aliases).
func RegionAliases() []RegionAlias { return regions.Aliases() }

// regionLevel tells the level of a 6- or 9-digit code, 0 if it is not one.
func regionLevel(code string) RegionLevel { return regions.LevelOf(code) }
