/* stmt.c — official statements (embassy, consulates, ministry spokesperson, ambassador op-eds).
 *
 * A statement is a list of sentences; each sentence is a template from a functional pool
 * (opening, denial, accusation, principle, sensitive issues, counter-accusation, consular work,
 * community, dated events, demands, warnings, relations, op-ed pools, hooks) with named slots.
 * Templates and slot values come in English/Chinese pairs and slot choices are a function of the
 * sentence seed, so the same plan renders as an English statement or its Chinese translation.
 * Stock pools (demands, denials) recur across statements on purpose — real statements repeat
 * stock phrases, which makes "internal affairs" or "stop smearing" hard negatives for matching —
 * while dated events and hook sentences are kept unique per statement (distinctive passages).
 * All text is written for chorus-synth. */
#include "synth.h"

#include <stdlib.h>

typedef struct {
    const char *en, *zh;
} Pair;

typedef struct {
    const char *name;
    const Pair *v;
    int n;
} Slot;

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- slot values ---- */
static const Pair sl_some[] = {
    {"some Canadian politicians and media outlets", "加拿大一些政客和媒体"},
    {"certain individuals in Canada", "加拿大个别人"},
    {"a handful of Canadian politicians", "少数加拿大政客"},
    {"some people in Canadian political and media circles", "加拿大政界和媒体的一些人"},
    {"certain Canadian media organizations", "加拿大某些媒体机构"},
};
static const Pair sl_hype[] = {
    {"have been hyping up", "炒作"},
    {"have kept playing up", "不断渲染"},
    {"have been spreading", "大肆散布"},
    {"have been fabricating", "编造"},
};
static const Pair sl_claim[] = {
    {"the so-called allegations of Chinese interference in Canada's elections", "所谓中国干预加拿大选举的指控"},
    {"the so-called \"Chinese interference\" narrative", "所谓“中国干预”的论调"},
    {"groundless stories about Chinese consulates meddling in Canadian politics", "中国领馆插手加拿大政治的无稽之谈"},
    {"the false claim that China tried to influence Canada's federal elections", "中国试图影响加拿大联邦选举的不实说法"},
    {"sensational accounts of Chinese \"influence operations\" in Canada", "所谓中国在加拿大开展“影响力行动”的耸人听闻的说法"},
};
static const Pair sl_motive[] = {
    {"for their own political purposes", "出于自身政治目的"},
    {"with hidden agendas", "别有用心地"},
    {"to serve domestic political needs", "为了国内政治需要"},
    {"to divert public attention", "为转移公众视线"},
};
static const Pair sl_topic[] = {
    {"Chinese consulates in Canada", "中国驻加拿大领馆"},
    {"the so-called overseas police stations", "所谓“海外警察站”"},
    {"Canada's federal elections", "加拿大联邦选举"},
    {"Chinese diplomats in Canada", "中国驻加外交官"},
    {"a proposed foreign agent registry", "拟议中的外国代理人登记制度"},
};
static const Pair sl_root[] = {
    {"ideological prejudice", "意识形态偏见"},
    {"a Cold War mentality", "冷战思维"},
    {"a zero-sum mindset", "零和思维"},
    {"anti-China sentiment", "反华情绪"},
    {"narrow political calculation", "狭隘的政治算计"},
};
static const Pair sl_issue1[] = {
    {"Xinjiang", "新疆"}, {"Hong Kong", "香港"}, {"Tibet", "西藏"}, {"Taiwan", "台湾"}};
static const Pair sl_issues[] = {
    {"Xinjiang, Hong Kong and Taiwan", "涉疆、涉港、涉台"},
    {"Taiwan, Xinjiang and human rights", "台湾、新疆和人权"},
    {"Hong Kong and Tibet", "香港和西藏"},
    {"Xinjiang and Taiwan", "新疆和台湾"},
};
static const Pair sl_election[] = {
    {"the 2019 and 2021 federal elections", "2019年和2021年联邦选举"},
    {"municipal elections in Vancouver", "温哥华市选举"},
    {"a party nomination contest in Toronto", "多伦多某政党提名选举"},
    {"last year's municipal elections", "去年的市政选举"},
};
static const Pair sl_urge[] = {
    {"We urge the Canadian side to", "我们敦促加方"},
    {"China calls on Canada to", "中方要求加方"},
    {"We once again urge the Canadian government to", "我们再次敦促加拿大政府"},
    {"We ask the Canadian side to", "我们要求加方"},
};
static const Pair sl_dem1[] = {
    {"abandon ideological prejudice", "摒弃意识形态偏见"},
    {"respect the facts", "尊重事实"},
    {"view China's development objectively", "客观看待中国发展"},
    {"abandon its Cold War mentality", "摒弃冷战思维"},
};
static const Pair sl_dem2[] = {
    {"stop smearing and attacking China", "停止抹黑和攻击中国"},
    {"stop hyping up the so-called interference issue", "停止炒作所谓干预问题"},
    {"stop politicizing normal consular work", "停止将正常领事工作政治化"},
    {"stop interfering in China's internal affairs", "停止干涉中国内政"},
};
static const Pair sl_dem3[] = {
    {"handle relevant issues prudently", "慎重处理相关问题"},
    {"return to the right track of mutual respect", "回到相互尊重的正确轨道上来"},
    {"do more things conducive to bilateral relations", "多做有利于两国关系的事"},
    {"correct its wrong practices immediately", "立即纠正错误做法"},
};
static const Pair sl_numcc[] = {{"1.7 million", "170万"}, {"1.8 million", "180万"}, {"1.7 million", "170万"}};
static const Pair sl_trade[] = {
    {"100 billion Canadian dollars", "1000亿加元"},
    {"120 billion Canadian dollars", "1200亿加元"},
    {"130 billion Canadian dollars", "1300亿加元"},
};
static const Pair sl_students[] = {{"140,000", "14万"}, {"150,000", "15万"}, {"180,000", "18万"}};
static const Pair sl_who2[] = {
    {"certain politicians", "某些政客"},
    {"a certain newspaper", "某家报纸"},
    {"some think tanks", "一些智库"},
    {"a handful of lawmakers", "少数议员"},
    {"certain intelligence officials", "某些情报官员"},
    {"a few opposition figures", "几名反对党人士"},
};
static const Pair sl_act2[] = {
    {"leak classified material", "泄露机密材料"},
    {"revive old accusations", "翻炒旧指控"},
    {"demand new sanctions", "要求实施新制裁"},
    {"call for the expulsion of diplomats", "叫嚷驱逐外交官"},
    {"launch a new smear campaign", "发起新一轮抹黑"},
    {"question the loyalty of Chinese Canadians", "质疑华人的忠诚"},
};
static const Pair sl_when2[] = {
    {"bilateral relations were showing signs of improvement", "两国关系出现改善迹象"},
    {"the budget debate was heating up", "预算辩论升温"},
    {"by-elections were approaching", "补选临近"},
    {"trade talks were about to resume", "贸易对话即将恢复"},
    {"public attention was turning to housing costs", "公众关注转向住房成本"},
    {"a parliamentary committee was preparing its report", "议会委员会正在准备报告"},
};
static const Pair sl_numq[] = {{"Dozens of", "数十篇"}, {"More than a dozen", "十几篇"}, {"All of these", "所有这些"}};
static const Pair sl_period[] = {
    {"the past month", "过去一个月"}, {"recent weeks", "近几周"}, {"the past two months", "过去两个月"}, {"this year", "今年"}};
static const Pair sl_proverb[] = {
    {"a just cause enjoys abundant support, while an unjust one finds little", "得道多助，失道寡助"},
    {"facts speak louder than eloquence", "事实胜于雄辩"},
    {"a lie cannot stand the test of time", "谎言经不起时间的检验"},
    {"do not do to others what you would not want done to yourself", "己所不欲，勿施于人"},
    {"those who look for faults in others should first examine themselves", "严于律己，宽以待人"},
};
static const Pair sl_reports[] = {{"so-called reports", "所谓报道"}, {"anonymous stories", "匿名报道"}, {"leaked documents", "泄密文件"}};

static const Slot slots[] = {
    {"SOME", sl_some, N(sl_some)},
    {"HYPE", sl_hype, N(sl_hype)},
    {"CLAIM", sl_claim, N(sl_claim)},
    {"MOTIVE", sl_motive, N(sl_motive)},
    {"TOPIC", sl_topic, N(sl_topic)},
    {"ROOT", sl_root, N(sl_root)},
    {"ISSUE1", sl_issue1, N(sl_issue1)},
    {"ISSUES", sl_issues, N(sl_issues)},
    {"ELECTION", sl_election, N(sl_election)},
    {"URGE", sl_urge, N(sl_urge)},
    {"DEM1", sl_dem1, N(sl_dem1)},
    {"DEM2", sl_dem2, N(sl_dem2)},
    {"DEM3", sl_dem3, N(sl_dem3)},
    {"NUM_CC", sl_numcc, N(sl_numcc)},
    {"TRADE", sl_trade, N(sl_trade)},
    {"STUDENTS", sl_students, N(sl_students)},
    {"WHO2", sl_who2, N(sl_who2)},
    {"ACT2", sl_act2, N(sl_act2)},
    {"WHEN2", sl_when2, N(sl_when2)},
    {"NUMQ", sl_numq, N(sl_numq)},
    {"PERIOD", sl_period, N(sl_period)},
    {"PROVERB", sl_proverb, N(sl_proverb)},
    {"REPORTS", sl_reports, N(sl_reports)},
};

/* ---- sentence pools ---- */
static const Pair p_open[] = {
    {"Recently, {SOME} {HYPE} {CLAIM} {MOTIVE}.", "近来，{SOME}{MOTIVE}{HYPE}{CLAIM}。"},
    {"We have noted that {SOME} {HYPE} {CLAIM}.", "我们注意到，{SOME}{HYPE}{CLAIM}。"},
    {"For some time now, {SOME} {HYPE} {CLAIM}, smearing China's image and misleading the Canadian public.",
     "一段时间以来，{SOME}{HYPE}{CLAIM}，抹黑中国形象，误导加拿大公众。"},
    {"In the past few days, citing so-called anonymous sources, {SOME} {HYPE} {CLAIM}.",
     "近日，{SOME}援引所谓匿名消息来源，{HYPE}{CLAIM}。"},
    {"The Embassy has taken note of recent reports concerning {TOPIC}.", "使馆注意到近期有关{TOPIC}的报道。"},
    {"It is regrettable that {SOME} continue to spread {CLAIM}.", "令人遗憾的是，{SOME}继续散布{CLAIM}。"},
};
static const Pair p_deny[] = {
    {"China has never interfered, and has no interest in interfering, in Canada's internal affairs.",
     "中国从来没有、也没有兴趣干涉加拿大内政。"},
    {"China always adheres to the principle of non-interference in other countries' internal affairs.",
     "中国始终坚持不干涉别国内政原则。"},
    {"The Chinese government has never meddled in the elections of any country, and it will not do so in the future.",
     "中国政府从未干预任何国家的选举，将来也不会这样做。"},
    {"We firmly reject these claims, which have no factual basis whatsoever.", "我们坚决拒绝这些毫无事实根据的说法。"},
    {"The Chinese side is strongly dissatisfied with this and firmly opposes it.", "中方对此强烈不满、坚决反对。"},
    {"Not interfering in the domestic affairs of others has long been a cornerstone of China's foreign policy.",
     "不干涉他国内政一直是中国外交政策的基石。"},
};
static const Pair p_accuse[] = {
    {"Such claims are pure fabrication driven by {ROOT}.", "这些说法纯属捏造，是{ROOT}在作祟。"},
    {"These accusations are completely groundless and expose the {ROOT} of certain people.",
     "这些指责毫无根据，暴露出某些人的{ROOT}。"},
    {"This is nothing but political manipulation out of {ROOT}.", "这完全是出于{ROOT}的政治操弄。"},
    {"The reports are full of lies and disinformation, and their only purpose is to smear China.",
     "有关报道充斥谎言和虚假信息，唯一目的就是抹黑中国。"},
    {"Repeating a lie a thousand times does not make it true.", "谎言重复一千遍也成不了真理。"},
    {"Those who cite so-called intelligence have failed to produce a single piece of solid evidence.",
     "援引所谓情报的人至今拿不出任何确凿证据。"},
};
static const Pair p_principle[] = {
    {"Mutual respect for sovereignty and non-interference in each other's internal affairs are basic norms governing international relations.",
     "相互尊重主权、互不干涉内政是国际关系的基本准则。"},
    {"Equality and mutual respect are the foundation for developing relations between states.",
     "平等相待、相互尊重是发展国家关系的基础。"},
    {"No country should put its domestic politics above the basic norms of international law.",
     "任何国家都不应把国内政治凌驾于国际法基本准则之上。"},
    {"China's sovereignty, security and development interests must not be undermined.", "中国的主权、安全和发展利益不容损害。"},
    {"The Chinese people will not accept lectures from anyone on how to run their own country.",
     "中国人民不接受任何人在如何治理自己国家问题上的说教。"},
};
static const Pair p_issue[] = {
    {"Affairs related to {ISSUE1} are purely China's internal affairs that brook no foreign interference.",
     "{ISSUE1}事务纯属中国内政，不容任何外部势力干涉。"},
    {"On issues such as {ISSUES}, Canada has repeatedly interfered in China's internal affairs.",
     "加方在{ISSUES}等问题上一再干涉中国内政。"},
    {"The so-called human rights concerns raised by the Canadian side about {ISSUE1} are nothing but lies.",
     "加方就{ISSUE1}提出的所谓人权关切完全是谎言。"},
    {"There is only one China in the world, and Taiwan is an inalienable part of China's territory.",
     "世界上只有一个中国，台湾是中国领土不可分割的一部分。"},
    {"Canada should stop using {ISSUE1} as a pretext to meddle in China's affairs.", "加方应停止以{ISSUE1}为借口插手中国事务。"},
};
static const Pair p_counter[] = {
    {"If anyone is meddling in other countries' affairs, it is those who lecture others on democracy while ignoring their own problems.",
     "如果说有谁在干涉别国事务，那正是那些一边对别人的民主指手画脚、一边无视自身问题的人。"},
    {"The Canadian side should reflect on its own conduct before pointing fingers at others.",
     "加方应先反省自身言行，而不是对别人指手画脚。"},
    {"For years, certain Western countries have supported anti-China forces and undermined China's stability, and yet they accuse China of interference.",
     "多年来，某些西方国家支持反华势力、破坏中国稳定，却反过来指责中国干预。"},
    {"It is Canada that owes China an explanation, not the other way around.", "该向中方作出解释的是加方，而不是中方。"},
    {"Acting as both referee and player will only damage Canada's own credibility.", "既当裁判员又当运动员，只会损害加方自身信誉。"},
};
static const Pair p_consular[] = {
    {"Chinese diplomatic and consular missions in Canada perform their duties in strict accordance with international law and the Vienna Conventions.",
     "中国驻加拿大使领馆严格依照国际法和维也纳公约履行职责。"},
    {"Their work is open, transparent and above board, and has nothing to hide.", "使领馆的工作公开透明、光明正大，没有任何需要隐瞒的。"},
    {"The so-called overseas police stations are in fact volunteer service points that help Chinese nationals with matters such as renewing driver's licences.",
     "所谓“海外警察站”实际上是帮助中国公民办理驾照换领等事务的志愿服务点。"},
    {"Normal exchanges between consular staff and local communities have been deliberately distorted.", "领馆人员与当地社区的正常交往被蓄意歪曲。"},
    {"The Canadian side should stop politicizing and stigmatizing the normal work of Chinese diplomats.",
     "加方应停止将中国外交人员的正常工作政治化、污名化。"},
};
static const Pair p_community[] = {
    {"Chinese Canadians have made important contributions to Canada's economic and social development.",
     "华人为加拿大经济社会发展作出了重要贡献。"},
    {"Labeling them as agents of a foreign state is racial discrimination, plain and simple.", "给他们贴上外国代理人的标签，是赤裸裸的种族歧视。"},
    {"More than {NUM_CC} people of Chinese origin live in Canada, and they should not become victims of political games.",
     "在加拿大生活着超过{NUM_CC}华人，他们不应成为政治游戏的牺牲品。"},
    {"The stigmatization of the Chinese community has already led to a rise in hate incidents.", "对华人社区的污名化已导致仇恨事件上升。"},
};
static const Pair p_event[] = {
    {"The report published by a certain newspaper on {DATE} cited so-called anonymous intelligence sources without providing a shred of evidence.",
     "某报{DATE}刊发的报道援引所谓匿名情报来源，却拿不出任何证据。"},
    {"The decision announced on {DATE} to declare a Chinese diplomat persona non grata seriously violates international law.",
     "加方{DATE}宣布将一名中国外交官列为不受欢迎的人，严重违反国际法。"},
    {"Claims that Chinese diplomats tried to influence {ELECTION}, repeated again on {DATE}, are absurd.",
     "{DATE}再次出现的所谓中国外交官试图影响{ELECTION}的说法荒谬至极。"},
    {"The allegations published on {DATE} about donations to a certain foundation are groundless speculation.",
     "{DATE}刊出的关于向某基金会捐款的指控纯属无端揣测。"},
    {"At a committee hearing on {DATE}, certain members of Parliament once again made irresponsible remarks about China.",
     "在{DATE}的委员会听证会上，某些议员再次发表涉华不负责任言论。"},
    {"The review by the so-called special rapporteur, announced on {DATE}, should not become a tool to smear China.",
     "{DATE}宣布的所谓特别报告员审查，不应成为抹黑中国的工具。"},
    {"The foreign agent registry proposed on {DATE} unfairly targets China and will hurt normal exchanges.",
     "{DATE}提出的外国代理人登记制度无端针对中国，将损害正常交流。"},
    {"{NUMQ} {REPORTS} published since {DATE} have not offered a single verifiable fact.",
     "{DATE}以来刊发的{NUMQ}{REPORTS}，没有提供任何一条可核实的事实。"},
};
static const Pair p_hook[] = {
    {"It is worth asking why {WHO2} chose to {ACT2} just as {WHEN2}.", "值得一问的是，为什么{WHO2}偏偏在{WHEN2}之际{ACT2}。"},
    {"As an old Chinese saying goes, {PROVERB}.", "中国有句古话：{PROVERB}。"},
    {"{NUMQ} {REPORTS} in {PERIOD} have not produced a single verifiable fact, yet {WHO2} continue to {ACT2}.",
     "{PERIOD}的{NUMQ}{REPORTS}没有一条经得起核实，{WHO2}却仍在{ACT2}。"},
    {"The timing is no coincidence: {WHO2} moved to {ACT2} just as {WHEN2}.", "时机绝非巧合：{WHO2}恰恰在{WHEN2}之际{ACT2}。"},
};
static const Pair p_demand[] = {
    {"{URGE} {DEM1} and {DEM2}.", "{URGE}{DEM1}，{DEM2}。"},
    {"{URGE} {DEM1}, {DEM2} and {DEM3}.", "{URGE}{DEM1}，{DEM2}，{DEM3}。"},
    {"We once again call on relevant Canadian politicians and media to {DEM2}.", "我们再次呼吁加拿大有关政客和媒体{DEM2}。"},
    {"{URGE} {DEM2} and {DEM3}.", "{URGE}{DEM2}，{DEM3}。"},
};
static const Pair p_warn[] = {
    {"Any attempt to use so-called interference claims to contain China is doomed to fail.", "任何借所谓干预指控遏制中国的企图都注定失败。"},
    {"China will take resolute measures to safeguard its legitimate rights and interests.", "中方将采取坚决措施维护自身正当权益。"},
    {"Those who play with fire on the Taiwan question will only get burned.", "在台湾问题上玩火者必自焚。"},
    {"If the Canadian side insists on going down the wrong path, it must bear all the consequences.",
     "如果加方执意在错误道路上越走越远，必须承担由此产生的一切后果。"},
};
static const Pair p_relations[] = {
    {"A sound and stable China-Canada relationship serves the fundamental interests of both peoples.", "健康稳定的中加关系符合两国人民的根本利益。"},
    {"We hope the Canadian side will work with China to bring bilateral relations back on track.", "希望加方与中方相向而行，推动两国关系重回正轨。"},
    {"China is willing to develop relations with Canada on the basis of mutual respect and mutual benefit.", "中方愿在相互尊重、互利共赢的基础上发展对加关系。"},
    {"Smearing China will not solve Canada's own problems.", "抹黑中国解决不了加拿大自身的问题。"},
};
static const Pair p_history[] = {
    {"More than half a century has passed since China and Canada established diplomatic relations in 1970.", "自1970年中加建交以来，已经过去了半个多世纪。"},
    {"Canada was among the first Western countries to recognize the People's Republic of China, a decision that showed vision and courage.",
     "加拿大是最早承认中华人民共和国的西方国家之一，这一决定体现了远见和勇气。"},
    {"Generations of Canadians, from doctors to farmers, have written moving chapters of friendship with the Chinese people.",
     "从医生到农民，一代又一代加拿大人与中国人民谱写了感人的友谊篇章。"},
    {"History shows that when our two countries respect each other, both benefit, and when one side turns hostile, both lose.",
     "历史表明，两国相互尊重则两利，一方敌对则两伤。"},
};
static const Pair p_econ[] = {
    {"Last year, bilateral trade exceeded {TRADE}, and China remains one of Canada's largest trading partners.",
     "去年双边贸易额超过{TRADE}，中国仍是加拿大最大的贸易伙伴之一。"},
    {"Canadian canola, seafood and timber are welcomed by Chinese consumers, while Chinese products enrich the daily lives of Canadian families.",
     "加拿大的油菜籽、海产品和木材深受中国消费者欢迎，中国产品也丰富了加拿大家庭的日常生活。"},
    {"Decoupling from China would only hurt Canadian workers, farmers and businesses.", "与中国脱钩只会伤害加拿大的工人、农民和企业。"},
    {"Economic cooperation should not be held hostage by political manipulation.", "经济合作不应被政治操弄绑架。"},
};
static const Pair p_people[] = {
    {"Before the pandemic, more than {STUDENTS} Chinese students were studying in Canada.", "疫情前，在加拿大学习的中国留学生超过{STUDENTS}人。"},
    {"People-to-people exchanges are the foundation of state-to-state relations and should not be disrupted by political noise.",
     "民间交往是国家关系的基础，不应受到政治杂音干扰。"},
    {"Students, scholars and tourists are bridges of understanding, not threats to national security.", "留学生、学者和游客是增进理解的桥梁，而不是国家安全威胁。"},
};
static const Pair p_world[] = {
    {"The world today is undergoing profound changes, and no country can meet global challenges alone.", "当今世界正在经历深刻变化，任何国家都无法单独应对全球性挑战。"},
    {"On climate change, public health and economic recovery, China and Canada share broad common interests.",
     "在气候变化、公共卫生和经济复苏等问题上，中加两国拥有广泛的共同利益。"},
    {"Bloc confrontation and zero-sum games belong to the past.", "集团对抗和零和博弈属于过去。"},
    {"Following others blindly in containing China does not serve Canada's own interests.", "盲目追随他国遏制中国，不符合加拿大自身利益。"},
};
static const Pair p_media[] = {
    {"Some media outlets have abandoned professional ethics and published unverified stories based on leaks.",
     "一些媒体背弃职业操守，依据泄密材料刊发未经核实的报道。"},
    {"The public deserves facts, not sensational headlines built on anonymous claims.", "公众需要的是事实，而不是基于匿名说法的耸人听闻的标题。"},
    {"When leaks replace evidence, it is the truth that suffers.", "当泄密取代证据，受损的是真相。"},
};
static const Pair p_democracy[] = {
    {"If Canada's democratic system is as robust as its politicians claim, why would it be so afraid of normal diplomatic contacts?",
     "如果加拿大的民主制度真如其政客所说那样稳固，又何必如此惧怕正常的外交接触？"},
    {"Blaming others for domestic political difficulties is neither responsible nor wise.", "把国内政治困境归咎于他人，既不负责任，也不明智。"},
    {"Elections are Canada's own business, and China has neither the intention nor the need to get involved.", "选举是加拿大自己的事，中国既无意图也无必要介入。"},
};
static const Pair p_question[] = {
    {"Some Canadian media claimed that Chinese consulates interfered in recent elections. What is your response?",
     "有加拿大媒体称中国领馆干预了近期选举，你对此有何回应？"},
    {"A Canadian member of Parliament said China should be held accountable for foreign interference. What is your comment?",
     "有加拿大议员称中国应对外国干预负责，你对此有何评论？"},
    {"Canada has announced consultations on a foreign agent registry. How do you respond?", "加拿大宣布就外国代理人登记制度征求意见，你对此有何回应？"},
    {"It was reported that a Chinese diplomat was declared persona non grata. What is China's position?",
     "据报道，一名中国外交官被宣布为不受欢迎的人，中方立场如何？"},
    {"Some reports mentioned so-called Chinese police stations in Canada. Can you clarify?", "有报道提到所谓中国在加拿大设立的警察站，你能否澄清？"},
};

enum {
    P_OPEN, P_DENY, P_ACCUSE, P_PRINCIPLE, P_ISSUE, P_COUNTER, P_CONSULAR, P_COMMUNITY, P_EVENT, P_HOOK,
    P_DEMAND, P_WARN, P_RELATIONS, P_HISTORY, P_ECON, P_PEOPLE, P_WORLD, P_MEDIA, P_DEMOCRACY, P_QUESTION, P_NPOOL
};
static const struct {
    const Pair *v;
    int n;
    bool unique; /* rendered text must not repeat across statements */
} pools[P_NPOOL] = {
    {p_open, N(p_open), false},       {p_deny, N(p_deny), false},         {p_accuse, N(p_accuse), false},
    {p_principle, N(p_principle), false}, {p_issue, N(p_issue), false},   {p_counter, N(p_counter), false},
    {p_consular, N(p_consular), false}, {p_community, N(p_community), false}, {p_event, N(p_event), true},
    {p_hook, N(p_hook), true},        {p_demand, N(p_demand), false},     {p_warn, N(p_warn), false},
    {p_relations, N(p_relations), false}, {p_history, N(p_history), false}, {p_econ, N(p_econ), false},
    {p_people, N(p_people), false},   {p_world, N(p_world), false},       {p_media, N(p_media), false},
    {p_democracy, N(p_democracy), false}, {p_question, N(p_question), false},
};

/* ---- rendering ---- */
typedef struct {
    int pool, tmpl;
    uint64_t seed;
    int par;
} Sent;

static const Slot *find_slot(const char *s, size_t n)
{
    for (int i = 0; i < N(slots); i++)
        if (strlen(slots[i].name) == n && !memcmp(slots[i].name, s, n))
            return &slots[i];
    return NULL;
}

/* Render one sentence in lang into out. date_day is the unix day used by {DATE}. */
static size_t render_sent(const Sent *se, int lang, int64_t date_day, char *out, size_t cap)
{
    const Pair *t = &pools[se->pool].v[se->tmpl];
    const char *p = lang == LANG_ZH ? t->zh : t->en;
    size_t o = 0;
    while (*p && o + 1 < cap) {
        if (*p == '{') {
            const char *q = strchr(p, '}');
            const Slot *sl = q ? find_slot(p + 1, (size_t)(q - p - 1)) : NULL;
            char tmp[160];
            const char *val = "";
            if (q && (size_t)(q - p - 1) == 4 && !memcmp(p + 1, "DATE", 4)) {
                int y, m, d;
                civil_from_days(date_day, &y, &m, &d);
                static const char *mon[] = {"January", "February", "March", "April", "May", "June", "July",
                                            "August", "September", "October", "November", "December"};
                if (lang == LANG_ZH)
                    snprintf(tmp, sizeof tmp, "%d月%d日", m, d);
                else
                    snprintf(tmp, sizeof tmp, "%s %d", mon[m - 1], d);
                val = tmp;
            } else if (sl) {
                uint64_t h = hash3(se->seed, hash_str(sl->name), 7);
                const Pair *v = &sl->v[h % (uint64_t)sl->n];
                val = lang == LANG_ZH ? v->zh : v->en;
            }
            size_t vl = strlen(val);
            if (o + vl >= cap)
                vl = cap - 1 - o;
            memcpy(out + o, val, vl);
            o += vl;
            p = q ? q + 1 : p + 1;
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = 0;
    return o;
}

/* rendered hashes of unique sentences already used (to keep distinctive passages distinct) */
static uint64_t used_h[4096];
static int n_used;

static bool used(uint64_t h)
{
    for (int i = 0; i < n_used; i++)
        if (used_h[i] == h)
            return true;
    return false;
}

typedef struct {
    Sent s[STMT_MAX_SENT];
    int n;
    int64_t date_day;
    bool qa;
    uint32_t pool_used[P_NPOOL]; /* bit mask of templates used in this statement */
} Plan;

static void plan_add(Plan *pl, Rng *r, int pool, int par)
{
    if (pl->n >= STMT_MAX_SENT)
        return;
    int n = pools[pool].n;
    for (int attempt = 0; attempt < 24; attempt++) {
        int t = (int)rng_below(r, (uint32_t)n);
        if ((pl->pool_used[pool] >> t & 1) && attempt < 12)
            continue;
        Sent se = {pool, t, rng_next(r), par};
        if (pools[pool].unique) {
            char tmp[1024];
            render_sent(&se, LANG_EN, pl->date_day - (int64_t)(se.seed % 9) - 1, tmp, sizeof tmp);
            uint64_t h = hash_str(tmp);
            if (used(h) && attempt < 23)
                continue;
            if (n_used < (int)(sizeof used_h / sizeof used_h[0]))
                used_h[n_used++] = h;
        }
        pl->pool_used[pool] |= 1u << t;
        pl->s[pl->n++] = se;
        return;
    }
}

static void plan_build_kind(Plan *pl, Rng *r, const char *kind)
{
    int par = 0;
    if (!strcmp(kind, "remarks")) {
        plan_add(pl, r, rng_chance(r, 0.5) ? P_DENY : P_ACCUSE, par);
        if (rng_chance(r, 0.4))
            plan_add(pl, r, P_PRINCIPLE, par);
        plan_add(pl, r, P_DEMAND, par);
    } else if (!strcmp(kind, "statement")) {
        plan_add(pl, r, P_OPEN, par);
        plan_add(pl, r, P_DENY, par);
        plan_add(pl, r, P_ACCUSE, par);
        if (rng_chance(r, 0.7))
            plan_add(pl, r, P_EVENT, par);
        par++;
        static const int mid[] = {P_CONSULAR, P_ISSUE, P_COMMUNITY, P_COUNTER, P_PRINCIPLE};
        int k = 1 + (int)rng_below(r, 3);
        for (int i = 0; i < k; i++)
            plan_add(pl, r, mid[rng_below(r, 5)], par);
        if (rng_chance(r, 0.5))
            plan_add(pl, r, P_HOOK, par);
        par++;
        plan_add(pl, r, P_DEMAND, par);
        if (rng_chance(r, 0.5))
            plan_add(pl, r, P_WARN, par);
        if (rng_chance(r, 0.5))
            plan_add(pl, r, P_RELATIONS, par);
    } else if (!strcmp(kind, "qa")) {
        pl->qa = true;
        plan_add(pl, r, P_QUESTION, par);
        par++;
        plan_add(pl, r, rng_chance(r, 0.5) ? P_ACCUSE : P_DENY, par);
        if (rng_chance(r, 0.6))
            plan_add(pl, r, P_EVENT, par);
        plan_add(pl, r, rng_chance(r, 0.5) ? P_PRINCIPLE : P_CONSULAR, par);
        if (rng_chance(r, 0.5))
            plan_add(pl, r, P_ISSUE, par);
        if (rng_chance(r, 0.4))
            plan_add(pl, r, P_HOOK, par);
        plan_add(pl, r, P_DEMAND, par);
    } else { /* oped */
        static const int layout[][5] = {
            {P_OPEN, P_HISTORY, P_HISTORY, -1},
            {P_DENY, P_ACCUSE, P_EVENT, P_HOOK, -1},
            {P_CONSULAR, P_CONSULAR, P_COMMUNITY, P_COMMUNITY, -1},
            {P_PRINCIPLE, P_ISSUE, P_ISSUE, P_COUNTER, -1},
            {P_ECON, P_ECON, P_PEOPLE, P_PEOPLE, -1},
            {P_MEDIA, P_MEDIA, P_DEMOCRACY, P_EVENT, -1},
            {P_WORLD, P_WORLD, P_COUNTER, -1},
            {P_HOOK, P_DEMOCRACY, P_ACCUSE, -1},
            {P_DEMAND, P_RELATIONS, P_RELATIONS, P_WARN, -1},
        };
        int npar = (int)(sizeof layout / sizeof layout[0]);
        for (int pi = 0; pi < npar; pi++) {
            /* skip a middle paragraph now and then so op-eds differ in shape */
            if (pi > 0 && pi < npar - 1 && rng_chance(r, 0.2))
                continue;
            for (int k = 0; k < 5 && layout[pi][k] >= 0; k++)
                if (k < 2 || rng_chance(r, 0.8))
                    plan_add(pl, r, layout[pi][k], par);
            par++;
        }
    }
}

static void render_plan(Statement *st, const Plan *pl, int lang)
{
    Buf b;
    buf_init(&b, 4096, 1 << 20);
    int prev_par = -1;
    st->n_sent = 0;
    char tmp[2048];
    for (int i = 0; i < pl->n; i++) {
        const Sent *se = &pl->s[i];
        if (prev_par >= 0) {
            if (se->par != prev_par)
                buf_puts(&b, "\n\n");
            else if (lang != LANG_ZH)
                buf_putc(&b, ' ');
        }
        if (pl->qa && se->par != prev_par) {
            if (se->pool == P_QUESTION)
                buf_puts(&b, lang == LANG_ZH ? "问：" : "Q: ");
            else if (se->par == 1)
                buf_puts(&b, lang == LANG_ZH ? "答：" : "A: ");
        }
        prev_par = se->par;
        int64_t day = pl->date_day - (int64_t)(se->seed % 9) - 1;
        size_t n = render_sent(se, lang, day, tmp, sizeof tmp);
        if (st->n_sent < STMT_MAX_SENT) {
            st->s_off[st->n_sent] = (uint32_t)b.len;
            st->s_len[st->n_sent] = (uint32_t)n;
            st->s_par[st->n_sent] = se->pool == P_QUESTION ? 255 : (uint8_t)se->par;
            st->n_sent++;
        }
        buf_put(&b, tmp, n);
    }
    st->text = arena_strndup(b.p, b.len);
    /* words: spaces for English, characters/2 for Chinese */
    int w = 0;
    if (lang == LANG_ZH) {
        w = (int)(utf8_cplen(b.p, b.len) / 2);
    } else {
        bool in = false;
        for (size_t i = 0; i < b.len; i++) {
            bool sp = b.p[i] == ' ' || b.p[i] == '\n';
            if (!sp && !in)
                w++;
            in = !sp;
        }
    }
    st->n_words = w;
    buf_free(&b);
}

size_t stmt_sentence(const Statement *s, int i, char *out, size_t cap)
{
    if (i < 0 || i >= s->n_sent) {
        out[0] = 0;
        return 0;
    }
    size_t n = s->s_len[i] < cap - 1 ? s->s_len[i] : cap - 1;
    memcpy(out, s->text + s->s_off[i], n);
    out[n] = 0;
    return n;
}

static const char *title_topic[][2] = {
    {"the so-called interference allegations", "所谓干预指控"},
    {"recent media reports concerning Chinese consulates", "近期有关中国领馆的媒体报道"},
    {"the erroneous remarks of certain Canadian politicians", "加拿大某些政客的错误言论"},
    {"the so-called overseas police stations", "所谓“海外警察站”"},
    {"Canada's proposed foreign agent registry", "加拿大拟设立外国代理人登记制度"},
    {"the expulsion of a Chinese diplomat", "加方驱逐中国外交官"},
    {"Canada's statement on Xinjiang", "加方涉疆声明"},
    {"China-Canada relations", "中加关系"},
};

static int64_t business_time(Rng *r, int64_t day_start_utc, int tz_min, int h0, int h1)
{
    /* a time between local h0 and h1 on the given UTC day */
    int64_t local_mid = day_start_utc - (int64_t)tz_min * 60;
    return local_mid + h0 * 3600 + (int64_t)rng_below(r, (uint32_t)((h1 - h0) * 3600));
}

static const char *stmt_url(Rng *r, const Statement *st, int source_kind)
{
    char d[16];
    fmt_date(d, st->published);
    char ym[8] = {d[0], d[1], d[2], d[3], d[5], d[6], 0};
    char ymd[10] = {d[0], d[1], d[2], d[3], d[5], d[6], d[8], d[9], 0};
    unsigned num = 11000000u + rng_below(r, 900000);
    switch (source_kind) {
    case 0:
        return arena_printf("http://ca.china-embassy.gov.cn/eng/sgxw/%s/t%s_%u.htm", ym, ymd, num);
    case 1:
        return arena_printf("http://toronto.china-consulate.gov.cn/eng/zlgxw/%s/t%s_%u.htm", ym, ymd, num);
    case 2:
        return arena_printf("http://vancouver.china-consulate.gov.cn/eng/zlgxw/%s/t%s_%u.htm", ym, ymd, num);
    case 3:
        return st->lang == LANG_ZH ? arena_printf("https://www.fmprc.gov.cn/fyrbt_673021/%s/t%s_%u.shtml", ym, ymd, num)
                                   : arena_printf("https://www.fmprc.gov.cn/eng/xwfw_665399/s2510_665401/%s/t%s_%u.html", ym, ymd, num);
    default: {
        char slug[96];
        const char *tt = st->title;
        size_t j = 0;
        for (size_t i = 0; tt[i] && j < 80; i++) {
            char c = tt[i];
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
                slug[j++] = c;
            else if (c >= 'A' && c <= 'Z')
                slug[j++] = (char)(c + 32);
            else if (j && slug[j - 1] != '-')
                slug[j++] = '-';
        }
        while (j && slug[j - 1] == '-')
            j--;
        slug[j] = 0;
        return arena_printf("https://www.capitalviewsmagazine.ca/opinion/%s/", j ? slug : "op-ed");
    }
    }
}

void statements_build(void)
{
    Rng r = rng_for(S.p.seed, hash_str("statements"), 0);
    int n = S.p.statements;
    if (n <= 0) {
        n = (int)(S.p.days * 1.3 + 0.5);
        if (n < 4)
            n = 4;
        if (n > 30)
            n = 30;
    }
    S.st = xcalloc((size_t)n, sizeof(Statement));
    S.n_st = 0;
    /* publication days spread over the period (sorted), avoiding the last half day */
    int64_t span = S.t1 - S.t0 - 43200;
    if (span < 86400)
        span = S.t1 - S.t0;
    int n_base = 0;
    int64_t *pub = xmalloc(sizeof(int64_t) * (size_t)n);
    for (int i = 0; i < n; i++)
        pub[i] = S.t0 + 3600 + (int64_t)(rng_u01(&r) * (double)span);
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && pub[j] < pub[j - 1]; j--) {
            int64_t t = pub[j];
            pub[j] = pub[j - 1];
            pub[j - 1] = t;
        }
    bool have_oped = false;
    for (int i = 0; i < n && S.n_st < n; i++) {
        Statement *st = &S.st[S.n_st];
        double u = rng_u01(&r);
        const char *kind = u < 0.30 ? "remarks" : u < 0.65 ? "statement" : u < 0.85 ? "qa" : "oped";
        if (!have_oped && n >= 6 && i == n / 3)
            kind = "oped";
        if (!strcmp(kind, "oped"))
            have_oped = true;
        int skind; /* 0 embassy, 1 toronto, 2 vancouver, 3 ministry, 4 ambassador */
        const char *source;
        if (!strcmp(kind, "oped")) {
            skind = 4;
            source = "ambassador";
        } else if (!strcmp(kind, "qa")) {
            skind = rng_chance(&r, 0.6) ? 0 : 3;
            source = skind == 0 ? "embassy spokesperson" : "ministry spokesperson";
        } else {
            double v = rng_u01(&r);
            skind = v < 0.5 ? 0 : v < 0.65 ? 1 : v < 0.8 ? 2 : 3;
            source = skind == 0 ? (rng_chance(&r, 0.5) ? "embassy" : "embassy spokesperson")
                     : skind == 1 ? "consulate general in Toronto"
                     : skind == 2 ? "consulate general in Vancouver"
                                  : "ministry spokesperson";
        }
        int lang = LANG_EN;
        if (skind == 3 && rng_chance(&r, 0.6))
            lang = LANG_ZH;
        else if ((skind == 1 || skind == 2) && rng_chance(&r, 0.25))
            lang = LANG_ZH;
        /* publication time: Ottawa business hours, or a Beijing press briefing for the ministry */
        int64_t day0 = pub[i] - (pub[i] % 86400);
        int64_t t = skind == 3 ? business_time(&r, day0, 480, 15, 17) : business_time(&r, day0, -300, 9, 20);
        if (t < S.t0 + 600)
            t += 86400;
        if (t > S.t1 - 3600)
            t = S.t1 - 3600 - (int64_t)rng_below(&r, 7200);
        Plan pl;
        memset(&pl, 0, sizeof pl);
        pl.date_day = t / 86400;
        plan_build_kind(&pl, &r, kind);
        snprintf(st->id, sizeof st->id, "S%03d", S.n_st + 1);
        st->source = source;
        st->kind = kind;
        int tt = (int)rng_below(&r, (uint32_t)(sizeof title_topic / sizeof title_topic[0]));
        if (lang == LANG_ZH)
            st->title = arena_printf("%s就%s答记者问", skind == 3 ? "外交部发言人" : "使馆发言人", title_topic[tt][1]);
        else if (skind == 4)
            st->title = arena_printf("Respect and dialogue, not hype: on %s", title_topic[tt][0]);
        else
            st->title = arena_printf("%c%s on %s", source[0] - 32, source + 1, title_topic[tt][0]);
        st->published = t;
        st->lang = (uint8_t)lang;
        st->translation_of = -1;
        st->official = (uint32_t)skind; /* resolved to an account by accounts.c/plan.c */
        render_plan(st, &pl, lang);
        st->url = stmt_url(&r, st, skind);
        S.n_st++;
        n_base++;
        /* a Chinese translation of some English statements, published shortly after */
        if (lang == LANG_EN && skind != 4 && S.n_st < n && rng_chance(&r, 0.3)) {
            Statement *tr = &S.st[S.n_st];
            *tr = *st;
            snprintf(tr->id, sizeof tr->id, "S%03d", S.n_st + 1);
            tr->lang = LANG_ZH;
            tr->translation_of = S.n_st - 1;
            tr->published = t + 600 + (int64_t)rng_below(&r, 5400);
            tr->title = arena_printf("%s就%s答记者问", skind == 3 ? "外交部发言人" : "使馆发言人", title_topic[tt][1]);
            render_plan(tr, &pl, LANG_ZH);
            tr->url = stmt_url(&r, tr, skind);
            S.n_st++;
            i++; /* consumes one publication slot */
        }
    }
    free(pub);
    /* keep statements sorted by publication time (translations may overtake the next one) */
    for (int i = 1; i < S.n_st; i++)
        for (int j = i; j > 0 && S.st[j].published < S.st[j - 1].published; j--) {
            Statement tmp = S.st[j];
            S.st[j] = S.st[j - 1];
            S.st[j - 1] = tmp;
        }
    /* renumber ids in time order and fix translation links */
    int *newidx = xmalloc(sizeof(int) * (size_t)S.n_st);
    char (*oldid)[16] = xmalloc(16 * (size_t)S.n_st);
    for (int i = 0; i < S.n_st; i++)
        memcpy(oldid[i], S.st[i].id, 16);
    for (int i = 0; i < S.n_st; i++) {
        int old = atoi(oldid[i] + 1) - 1;
        newidx[old] = i;
    }
    for (int i = 0; i < S.n_st; i++) {
        snprintf(S.st[i].id, sizeof S.st[i].id, "S%03d", i + 1);
        if (S.st[i].translation_of >= 0)
            S.st[i].translation_of = newidx[S.st[i].translation_of];
    }
    free(newidx);
    free(oldid);
}

/* One sentence of the statement pools (not questions) rendered with its own slot choices, as
 * if for a statement published on date_day: material for the hard negatives of rewrite.c. */
size_t stmt_random_sentence(Rng *r, int lang, int64_t date_day, char *out, size_t cap)
{
    int pool = (int)rng_below(r, P_QUESTION); /* every pool before the questions */
    Sent se = {pool, (int)rng_below(r, (uint32_t)pools[pool].n), rng_next(r), 0};
    return render_sent(&se, lang, date_day, out, cap);
}
