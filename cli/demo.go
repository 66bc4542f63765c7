package cli

import (
	"context"
	"fmt"

	"github.com/xunbang/xunbang/forms/demo"
	"github.com/xunbang/xunbang/store"
)

// demoBatch is how many needs the demo command stores per transaction.
const demoBatch = 20_000

func runDemo(ctx context.Context, c *call) error {
	n := c.fs.Int("needs", 120, tr(c.lang, "生成多少条需求", "how many needs to make"))
	seed := c.fs.Uint64("seed", 2026, tr(c.lang, "随机种子（相同种子生成相同数据）", "random seed (the same seed makes the same data)"))
	if err := c.parse(); err != nil {
		return err
	}
	if *n < 1 || *n > 1_000_000 {
		return userError{zh: "需求条数应在 1 到 1000000 之间。", en: "the number of needs must be between 1 and 1000000."}
	}
	st, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	// Made and stored in parts, a transaction each: 200,000 needs never
	// sit in memory at once.
	var ents, needs, sols int
	err = demo.Stream(*seed, *n, demoBatch, func(part *demo.Set) error {
		if _, err := st.Import(ctx, part.Enterprises, part.Needs, store.ImportOptions{Exact: true}); err != nil {
			return err
		}
		ents += len(part.Enterprises)
		needs += len(part.Needs)
		sols += len(part.Solutions)
		return st.Update(ctx, func(tx *store.Tx) error {
			for _, v := range part.Visits {
				if err := tx.SaveVisit(v); err != nil {
					return err
				}
			}
			for _, f := range part.FollowUps {
				if err := tx.SaveFollowUp(f); err != nil {
					return err
				}
			}
			// The solutions as the hub delivered them: already synced.
			for _, s := range part.Solutions {
				if err := tx.PutSolutionRemote(s); err != nil {
					return err
				}
			}
			return nil
		})
	})
	if err != nil {
		return err
	}
	settings, err := st.Settings(ctx)
	if err != nil {
		return err
	}
	if settings.HomeRegion == "" {
		settings.HomeRegion, settings.Team, settings.User = "320500", "苏州科技镇长团", "李科技"
		if err := st.SaveSettings(ctx, settings); err != nil {
			return err
		}
	}
	fmt.Fprintln(c.env.Stderr, tr(c.lang,
		fmt.Sprintf("演示数据已写入 %s：%d 家企业，%d 条需求，%d 个解决方案。", c.data, ents, needs, sols),
		fmt.Sprintf("demo data written to %s: %d enterprises, %d needs, %d solutions.", c.data, ents, needs, sols)))
	return nil
}
