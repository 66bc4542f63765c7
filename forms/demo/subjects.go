package demo

// A trade is a line of business of a made-up enterprise: what its name
// says, its GB/T 4754 门类, its 战略性新兴产业 tags, and the needs such an
// enterprise has. Every subject names the tech field that fits it (the
// most specific code of the 国家重点支持的高新技术领域), the need types it
// can be, and its texts, so that a title, its field, the enterprise's
// trade and industry and the texts agree.
type trade struct {
	name     string   // in the enterprise's name: 精密机械
	industry string   // GB/T 4754 门类 code
	tags     []string // emerging_industry codes
	subjects []subject
}

// subject is one need an enterprise of a trade can have. Texts take the
// subject's name for %[1]s and a number for %[2]d where they say so.
type subject struct {
	name     string   // the thing the need is about: 高速主轴轴承
	field    string   // tech field code, the most specific
	types    []string // need_type codes that fit
	aims     []string // what the enterprise wants of it: the title's end
	keywords []string
	problem  string // %[1]s the name, %[2]d a number from lo to hi
	lo, hi   int
	key      string
	goal     string
	// indicators: the targets, the same for every need of the subject.
	indicators string
	modes      []string // cooperation_mode codes that fit; default 合作开发, 委托开发, 技术转让, 技术许可, 技术服务
}

// Aims, each with the need type it usually is.
const (
	aimLocalise = "国产化替代"
	aimProcess  = "工艺优化"
	aimPerform  = "性能提升"
	aimCost     = "成本降低"
	aimYield    = "良率提升"
	aimEnergy   = "能耗降低"
	aimLife     = "寿命延长"
	aimAuto     = "在线检测"
)

var trades = []trade{
	{name: "精密机械", industry: "C", tags: []string{"2"}, subjects: []subject{
		{name: "高速主轴轴承", field: "80501", types: []string{"00", "01"}, aims: []string{aimLocalise, aimLife, aimPerform},
			keywords: []string{"主轴轴承", "精密轴承"},
			problem:  "数控机床用%[1]s长期依赖进口，交期 %[2]d 周以上，国产轴承在高转速下温升快、精度保持性差。",
			lo:       8, hi: 20,
			key: "轴承钢热处理、滚道超精加工与预紧力控制。", goal: "完成样件并在本企业机床上连续运行考核，替代进口件。",
			indicators: "极限转速 ≥ 24000 r/min；温升 ≤ 15 ℃；精度等级 P4。"},
		{name: "机器人减速器", field: "80402", types: []string{"00", "01"}, aims: []string{aimLocalise, aimLife, aimCost},
			keywords: []string{"谐波减速器", "机器人"},
			problem:  "自产协作机器人所用%[1]s外购成本占整机约 %[2]d%%，国产件背隙和寿命达不到要求。",
			lo:       25, hi: 40,
			key: "柔轮材料与齿形设计、装配精度控制。", goal: "形成可批量供货的减速器，寿命达到进口件水平。",
			indicators: "背隙 ≤ 20 弧秒；额定寿命 ≥ 10000 小时；传动效率 ≥ 80%。"},
		{name: "五轴数控加工", field: "80401", types: []string{"02", "03"}, aims: []string{aimProcess, aimYield, "效率提升"},
			keywords: []string{"五轴加工", "数控"},
			problem:  "叶轮类零件%[1]s编程依赖人工经验，试切 %[2]d 次以上才能合格，交付慢。",
			lo:       3, hi: 6,
			key: "刀具路径优化与加工仿真、在机测量补偿。", goal: "建立标准化工艺，首件合格率显著提高。",
			indicators: "首件合格率 ≥ 90%；单件加工时间缩短 30%。"},
	}},
	{name: "智能装备", industry: "C", tags: []string{"2"}, subjects: []subject{
		{name: "焊接机器人视觉引导", field: "80402", types: []string{"01", "03"}, aims: []string{aimPerform, aimCost, "系统开发"},
			keywords: []string{"焊缝跟踪", "机器视觉"},
			problem:  "现有焊接机器人靠示教编程，换型一次需 %[2]d 小时，焊缝偏差常超过 0.5 mm。",
			lo:       2, hi: 6,
			key: "焊缝三维识别、路径自动生成与实时纠偏。", goal: "实现小批量多品种焊接的快速换型。",
			indicators: "焊缝识别精度 ≤ 0.2 mm；换型时间 ≤ 15 分钟。"},
		{name: "智能仓储调度系统", field: "80105", types: []string{"02", "01"}, aims: []string{"升级", aimCost, "效率提升"},
			keywords: []string{"仓储调度", "AGV"},
			problem:  "厂内 %[2]d 台 AGV 与立体库各自调度，高峰时拥堵，出入库效率低。",
			lo:       12, hi: 40,
			key: "多车协同调度算法与仓储管理系统集成。", goal: "统一调度平台上线运行，出入库效率明显提升。",
			indicators: "出入库效率提升 ≥ 30%；AGV 拥堵等待时间降低 50%。"},
		{name: "包装产线快速换型", field: "80105", types: []string{"02", "03"}, aims: []string{"改造", "方案设计", "效率提升"},
			keywords: []string{"产线换型", "自动化"},
			problem:  "包装产线换型依靠人工调整机构，每次停线约 %[2]d 分钟，小批量订单难以承接。", lo: 40, hi: 90,
			key: "伺服化改造与配方参数一键切换。", goal: "完成一条示范线改造并推广到其余产线。",
			indicators: "换型时间 ≤ 10 分钟；产线综合效率提升 15%。"},
	}},
	{name: "新材料", industry: "C", tags: []string{"3"}, subjects: []subject{
		{name: "锂电池隔膜涂覆", field: "40204", types: []string{"00", "02"}, aims: []string{aimPerform, aimYield, aimCost},
			keywords: []string{"隔膜", "陶瓷涂覆"},
			problem:  "%[1]s层厚度一致性差，卷材横向波动达 %[2]d%%，客户电芯热收缩测试不稳定。",
			lo:       3, hi: 8,
			key: "浆料配方、涂覆工艺与在线测厚闭环。", goal: "涂覆隔膜通过下游电池厂认证。",
			indicators: "涂层厚度偏差 ≤ ±0.5 μm；150 ℃/1 h 热收缩 ≤ 3%。"},
		{name: "光刻胶用树脂", field: "40502", types: []string{"00"}, aims: []string{aimLocalise, aimPerform, "纯度提升"},
			keywords: []string{"光刻胶", "电子化学品"},
			problem:  "KrF %[1]s全部进口，金属离子含量控制是国产化的难点，近期到货周期延长到 %[2]d 周。",
			lo:       16, hi: 30,
			key: "单体纯化、可控聚合与痕量金属去除。", goal: "完成吨级中试并送客户评价。",
			indicators: "金属离子 ≤ 10 ppb；分子量分布 PDI ≤ 1.3。"},
		{name: "钛合金增材制造", field: "40105", types: []string{"00", "02"}, aims: []string{aimPerform, aimYield, aimCost},
			keywords: []string{"钛合金", "3D 打印"},
			problem:  "%[1]s零件存在气孔和各向异性，疲劳性能不稳定，报废率约 %[2]d%%。",
			lo:       8, hi: 20,
			key: "粉末质量控制、打印参数优化与热处理制度。", goal: "形成稳定工艺并通过客户认证。",
			indicators: "致密度 ≥ 99.8%；抗拉强度 ≥ 950 MPa；延伸率 ≥ 10%。"},
	}},
	{name: "生物医药", industry: "C", tags: []string{"4"}, subjects: []subject{
		{name: "体外诊断试剂", field: "20103", types: []string{"00", "01"}, aims: []string{aimPerform, aimLocalise, "灵敏度提升"},
			keywords: []string{"体外诊断", "化学发光"},
			problem:  "现有%[1]s灵敏度不足，低浓度样本检出率仅约 %[2]d%%，关键抗体依赖进口。",
			lo:       60, hi: 80,
			key: "抗体筛选、标记工艺与反应体系优化。", goal: "完成产品定型并启动注册检验。",
			indicators: "检出限降低 5 倍；批间差 ≤ 10%。"},
		{name: "中药提取物", field: "20203", types: []string{"02", "05"}, aims: []string{"稳定性提升", "收率提升", aimProcess},
			keywords: []string{"中药提取", "稳定性"},
			problem:  "%[1]s在加速试验中含量下降约 %[2]d%%，影响有效期。", lo: 8, hi: 15,
			key: "提取纯化工艺、干燥方式与包装条件。", goal: "有效期延长至 36 个月。",
			indicators: "加速 6 个月含量下降 ≤ 5%；收率提升 10%。"},
		{name: "多肽药物纯化", field: "20104", types: []string{"00", "02"}, aims: []string{"收率提升", aimCost, aimProcess},
			keywords: []string{"多肽", "色谱纯化"},
			problem:  "%[1]s收率约 %[2]d%%，溶剂消耗大，放大后杂质谱不稳定。",
			lo:       35, hi: 55,
			key: "制备色谱条件优化与溶剂回收。", goal: "完成百克级工艺验证。",
			indicators: "纯度 ≥ 99.5%；收率 ≥ 70%；溶剂消耗降低 30%。"},
	}},
	{name: "微电子", industry: "C", tags: []string{"1"}, subjects: []subject{
		{name: "碳化硅功率器件", field: "10603", types: []string{"00"}, aims: []string{aimLocalise, aimYield, "可靠性提升"},
			keywords: []string{"碳化硅", "MOSFET"},
			problem:  "%[1]s栅氧可靠性不足，高温栅偏试验失效率约 %[2]d%%。",
			lo:       3, hi: 8,
			key: "栅氧工艺、终端结构与封装散热。", goal: "器件通过车规级可靠性考核。",
			indicators: "击穿电压 ≥ 1200 V；导通电阻 ≤ 40 mΩ；HTGB 1000 h 无失效。"},
		{name: "芯片封装散热", field: "10203", types: []string{"01", "02"}, aims: []string{aimPerform, "方案优化"},
			keywords: []string{"先进封装", "热管理"},
			problem:  "大功率%[1]s热阻偏高，结温超过 %[2]d ℃ 后寿命明显下降。",
			lo:       125, hi: 150,
			key: "界面材料选型、基板设计与烧结工艺。", goal: "热阻降低并通过温循试验。",
			indicators: "热阻降低 ≥ 30%；温循 1000 次无失效。"},
		{name: "MEMS 压力传感器", field: "80305", types: []string{"00", "01"}, aims: []string{aimLocalise, aimPerform, aimCost},
			keywords: []string{"MEMS", "压力传感器"},
			problem:  "汽车用 %[1]s芯片进口，国产样品温漂大，全温区误差约 %[2]d%%FS。",
			lo:       2, hi: 5,
			key: "敏感膜设计、温度补偿算法与封装应力控制。", goal: "完成样品并通过车厂测试。",
			indicators: "全温区误差 ≤ 0.5%FS；长期稳定性 ≤ 0.2%FS/年。"},
	}},
	{name: "光电科技", industry: "C", tags: []string{"1"}, subjects: []subject{
		{name: "激光切割头", field: "80404", types: []string{"00", "01"}, aims: []string{aimLocalise, aimLife, aimPerform},
			keywords: []string{"激光切割", "光学镜片"},
			problem:  "万瓦级%[1]s镜片热透镜效应明显，连续切割 %[2]d 小时后焦点漂移。",
			lo:       4, hi: 12,
			key: "光学设计、镜片镀膜与水冷结构。", goal: "切割头在客户产线稳定运行。",
			indicators: "焦点漂移 ≤ 0.1 mm；功率承受 ≥ 12 kW。"},
		{name: "Micro LED 巨量转移", field: "10607", types: []string{"00"}, aims: []string{aimYield, aimPerform},
			keywords: []string{"Micro LED", "巨量转移"},
			problem:  "%[1]s良率不足 %[2]d%%，修复成本高，难以进入量产。",
			lo:       90, hi: 98,
			key: "转移头设计、键合工艺与缺陷检测修复。", goal: "建立中试线并完成样屏。",
			indicators: "转移良率 ≥ 99.99%；转移速度 ≥ 100 万颗/小时。"},
	}},
	{name: "环保科技", industry: "N", tags: []string{"7"}, subjects: []subject{
		{name: "印染废水回用", field: "70102", types: []string{"02", "04"}, aims: []string{aimCost, aimEnergy, "率提升"},
			keywords: []string{"印染废水", "中水回用"},
			problem:  "园区印染企业%[1]s率仅约 %[2]d%%，膜系统污堵频繁，运行成本高。",
			lo:       30, hi: 45,
			key: "预处理工艺、抗污染膜与浓水处理。", goal: "示范工程稳定运行并推广。",
			indicators: "回用率 ≥ 60%；吨水处理成本降低 20%。"},
		{name: "VOCs 废气治理", field: "70204", types: []string{"02", "03"}, aims: []string{aimEnergy, aimCost, "达标改造"},
			keywords: []string{"VOCs", "催化燃烧"},
			problem:  "涂装车间 %[1]s采用活性炭吸附，更换频繁，排放浓度接近限值 %[2]d mg/m³。",
			lo:       50, hi: 60,
			key: "沸石转轮浓缩与催化燃烧系统设计。", goal: "稳定达标排放并降低运行费用。",
			indicators: "去除率 ≥ 95%；排放浓度 ≤ 30 mg/m³；运行能耗降低 30%。"},
		{name: "污泥干化", field: "70305", types: []string{"02"}, aims: []string{aimEnergy, aimCost},
			keywords: []string{"污泥", "干化"},
			problem:  "%[1]s能耗高，含水率只能降到 %[2]d%% 左右，处置费用高。",
			lo:       60, hi: 80,
			key: "低温干化工艺与余热利用。", goal: "建成示范装置。",
			indicators: "出泥含水率 ≤ 30%；吨泥能耗降低 25%。"},
	}},
	{name: "新能源", industry: "D", tags: []string{"6"}, subjects: []subject{
		{name: "燃料电池双极板", field: "60303", types: []string{"00", "01"}, aims: []string{aimCost, aimLife, aimLocalise},
			keywords: []string{"燃料电池", "双极板"},
			problem:  "金属%[1]s涂层耐蚀性不足，电堆运行 %[2]d 小时后接触电阻上升。",
			lo:       1000, hi: 3000,
			key: "涂层材料、冲压成形与焊接密封。", goal: "双极板通过电堆耐久测试。",
			indicators: "腐蚀电流 ≤ 1 μA/cm²；接触电阻 ≤ 10 mΩ·cm²。"},
		{name: "储能电池热管理", field: "60302", types: []string{"01", "02"}, aims: []string{aimPerform, aimLife, "方案优化"},
			keywords: []string{"储能", "液冷"},
			problem:  "储能柜%[1]s温差达 %[2]d ℃，电芯衰减不一致。",
			lo:       6, hi: 12,
			key: "液冷板流道设计与均温控制策略。", goal: "新一代储能柜定型。",
			indicators: "电芯温差 ≤ 3 ℃；循环寿命提升 20%。"},
		{name: "高效光伏组件产线建设融资", field: "60101", types: []string{"07"}, aims: []string{""},
			keywords: []string{"光伏组件", "科技金融"},
			problem:  "企业拟建设 %[2]d 条高效光伏组件产线，自有资金不足，需要银行贷款或股权融资。",
			lo:       2, hi: 4,
			key: "项目可行性论证与融资方案设计。", goal: "落实融资并按期投产。",
			indicators: "融资规模约 1.5 亿元；投产后年产能 1 GW。", modes: []string{"20", "21", "10"}},
	}},
	{name: "汽车零部件", industry: "C", tags: []string{"5"}, subjects: []subject{
		{name: "电驱动总成降噪", field: "80702", types: []string{"01", "00"}, aims: []string{"方案", "优化"},
			keywords: []string{"电驱动", "NVH"},
			problem:  "新能源车电驱动总成啸叫明显，%[2]d00 r/min 附近客户投诉多。",
			lo:       30, hi: 60,
			key: "齿轮修形、电机电磁噪声与结构优化。", goal: "满足整车厂 NVH 要求。",
			indicators: "总声压级降低 ≥ 5 dB(A)；阶次噪声满足客户限值。"},
		{name: "铝合金一体化压铸", field: "40102", types: []string{"02", "00"}, aims: []string{aimYield, aimCost, aimProcess},
			keywords: []string{"一体化压铸", "铝合金"},
			problem:  "大型%[1]s件气孔、冷隔缺陷多，废品率约 %[2]d%%。",
			lo:       8, hi: 15,
			key: "免热处理合金、模具温控与真空压铸。", goal: "批量供货并降低废品率。",
			indicators: "废品率 ≤ 3%；延伸率 ≥ 10%。"},
	}},
	{name: "软件科技", industry: "I", tags: []string{"1"}, subjects: []subject{
		{name: "工业软件 PLM 集成", field: "10103", types: []string{"01", "05"}, aims: []string{"方案", "平台开发"},
			keywords: []string{"PLM", "工业软件"},
			problem:  "客户的%[1]s与 ERP、MES 数据不通，工程变更平均需要 %[2]d 天。",
			lo:       5, hi: 15,
			key: "数据模型统一与系统接口集成。", goal: "形成可复制的集成方案。",
			indicators: "工程变更周期缩短 50%；BOM 一致率 ≥ 99%。"},
		{name: "设备预测性维护算法", field: "10110", types: []string{"00", "01"}, aims: []string{"开发", "准确率提升"},
			keywords: []string{"预测性维护", "物联网"},
			problem:  "客户产线关键设备突发停机每年约 %[2]d 次，%[1]s误报率高。",
			lo:       6, hi: 20,
			key: "振动特征提取与故障预测模型。", goal: "在两家客户现场验证。",
			indicators: "故障预警准确率 ≥ 90%；非计划停机减少 40%。"},
		{name: "MES 智能排产", field: "80104", types: []string{"01", "02"}, aims: []string{"模块开发", "效率提升"},
			keywords: []string{"MES", "智能排产"},
			problem:  "客户车间排产依靠人工，插单后需要 %[2]d 小时重新排产。", lo: 4, hi: 12,
			key: "约束建模与启发式排产算法。", goal: "排产模块在客户现场上线运行。",
			indicators: "重排时间 ≤ 10 分钟；设备利用率提升 10%。"},
		{name: "嵌入式实时操作系统海外联合研发", field: "10101", types: []string{"06"}, aims: []string{""},
			keywords: []string{"国际合作", "基础软件"},
			problem:  "企业拟与海外高校在嵌入式实时操作系统方向联合研发，合作期 %[2]d 年。",
			lo:       2, hi: 3,
			key: "合作模式、知识产权归属与出口合规。", goal: "签订合作协议并启动联合项目。",
			indicators: "联合研发项目 ≥ 1 项；联合培养研究生 4 名。", modes: []string{"02", "99"}},
	}},
	{name: "检测技术", industry: "M", tags: []string{"9"}, subjects: []subject{
		{name: "材料疲劳测试参数", field: "50201", types: []string{"10"}, aims: []string{"标定"},
			keywords: []string{"疲劳试验", "测试参数"},
			problem:  "客户要求的%[1]s超出现有设备范围，加载频率需达 %[2]d0 Hz。",
			lo:       20, hi: 30,
			key: "试验参数确定与设备能力评估。", goal: "形成可对外服务的测试能力。",
			indicators: "加载频率 ≥ 300 Hz；载荷精度 ±0.5%。", modes: []string{"06", "05"}},
		{name: "电磁兼容测试方法", field: "50201", types: []string{"11"}, aims: []string{"建立"},
			keywords: []string{"电磁兼容", "测试方法"},
			problem:  "新能源汽车部件的%[1]s尚无统一做法，客户送检 %[2]d 批次结果不一致。",
			lo:       3, hi: 8,
			key: "测试布置、判据与不确定度评定。", goal: "形成企业标准并通过认可。",
			indicators: "测量不确定度 ≤ 3 dB；方法通过实验室认可。", modes: []string{"06", "05"}},
		{name: "焊缝无损检测设备", field: "80303", types: []string{"12"}, aims: []string{aimLocalise, aimPerform},
			keywords: []string{"无损检测", "超声"},
			problem:  "%[1]s依赖进口，单台约 %[2]d 万元，维修周期长。",
			lo:       60, hi: 150,
			key: "相控阵探头与成像算法。", goal: "完成样机并在客户处比对验证。",
			indicators: "缺陷检出率 ≥ 95%；检测速度 ≥ 6 m/min。", modes: []string{"02", "01"}},
		{name: "汽车零部件测试标准", field: "50202", types: []string{"13"}, aims: []string{"制定"},
			keywords: []string{"团体标准", "测试标准"},
			problem:  "%[1]s缺失，上下游 %[2]d 家企业各用各的方法，结果无法互认。",
			lo:       6, hi: 12,
			key: "标准框架、试验方法与比对试验。", goal: "发布团体标准。",
			indicators: "完成 6 家单位比对试验；标准草案通过评审。", modes: []string{"05", "06"}},
	}},
	{name: "电力设备", industry: "C", tags: []string{"2", "6"}, subjects: []subject{
		{name: "开关柜局放在线监测", field: "80603", types: []string{"01", "03"}, aims: []string{aimPerform, "误报率降低", aimLocalise},
			keywords: []string{"局部放电", "在线监测"},
			problem:  "%[1]s误报多，现场干扰下有效信号难以区分，每年停电检修 %[2]d 次。",
			lo:       2, hi: 4,
			key: "特高频传感器与抗干扰识别算法。", goal: "产品在电网公司挂网运行。",
			indicators: "检测灵敏度 ≤ 5 pC；误报率 ≤ 2%。"},
		{name: "干式变压器专利技术引进", field: "80604", types: []string{"04"}, aims: []string{""},
			keywords: []string{"变压器", "技术转让"},
			problem:  "企业拟引进一项干式变压器降损专利，用于 %[2]d 千伏产品升级。",
			lo:       10, hi: 10,
			key: "专利评估、许可方式与二次开发。", goal: "完成技术转让并投产。",
			indicators: "空载损耗降低 15%；通过型式试验。", modes: []string{"03", "04"}},
	}},
	{name: "精细化工", industry: "C", tags: []string{"3", "7"}, subjects: []subject{
		{name: "电子级氢氟酸提纯", field: "40502", types: []string{"00", "02"}, aims: []string{aimLocalise, "合格率提升"},
			keywords: []string{"电子化学品", "提纯"},
			problem:  "%[1]s金属杂质达不到 G4 要求，批次合格率约 %[2]d%%。",
			lo:       70, hi: 85,
			key: "精馏工艺、材质选择与洁净包装。", goal: "产品进入半导体客户供应链。",
			indicators: "单项金属杂质 ≤ 10 ppt；批次合格率 ≥ 98%。"},
		{name: "水性工业涂料", field: "40504", types: []string{"01", "02"}, aims: []string{aimPerform, aimCost, "耐蚀性提升"},
			keywords: []string{"水性涂料", "防腐"},
			problem:  "%[1]s耐盐雾性能不足，只能达到 %[2]d00 小时，难以替代溶剂型产品。",
			lo:       4, hi: 6,
			key: "树脂改性与防锈颜填料体系。", goal: "在客户钢结构项目上应用。",
			indicators: "耐盐雾 ≥ 1000 小时；VOC ≤ 100 g/L。"},
		{name: "新产品合成工艺路线评估", field: "40504", types: []string{"05", "99"}, aims: []string{""},
			keywords: []string{"工艺评估", "安全"},
			problem:  "企业新产品有两条合成路线可选，需要第三方对安全性和经济性作出判断，投资约 %[2]d00 万元。",
			lo:       5, hi: 20,
			key: "反应风险评估与成本测算。", goal: "形成评估报告作为投资决策依据。",
			indicators: "完成两条路线的风险与成本比较；提交评估报告。", modes: []string{"05", "06"}},
	}},
}
