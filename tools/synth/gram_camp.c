/* gram_camp.c — text of planted campaign behaviours (narratives, slogans, link posts),
 * journalists' quoting posts and the official accounts' posts. Narratives are written with
 * narrow inline alternatives so their posts are near-identical but not identical, as in
 * template-driven networks. Written for chorus-synth. */
#include "synth.h"

const GramDef gram_camp[] = {
    /* ---- narratives: narr.en.K and narr.zh.K ---- */
    {"narr.en.0", "[Canadian politicians|Politicians in Ottawa|Some MPs in Ottawa] [keep blaming|keep scapegoating|love blaming] China [to distract from|to cover up|to hide] [their own failures|their own mess] on [housing|the cost of living|health care]. [Look in the mirror!|Fix your own problems first.|Canadians are not fooled.]"},
    {"narr.en.1", "[The so-called|This so-called|The whole] \"interference\" [story|scandal|narrative] is [built on|based on] anonymous leaks [and no evidence|with zero evidence|and nothing else]. [Where is the proof?|Show us the proof.|Evidence, please.]"},
    {"narr.en.2", "[Chinese Canadians|Our Chinese Canadian neighbours|Chinese-Canadian families] are [being treated as suspects|under suspicion|being targeted] because of [this witch hunt|a political witch hunt|McCarthy-style hysteria]. [This is racism.|Shameful.|Stop the racism.]"},
    {"narr.en.3", "[Canada|Ottawa] [follows Washington|just follows the US|takes orders from Washington] on China [and|while] [Canadian farmers|Canadian workers|Canadian exporters] [pay the price|pay for it|foot the bill]."},
    {"narr.en.4", "[Who|Which country] [really|actually] interferes in other countries? [Look at the record|Check the history|Just look at history]: [coups, wars and sanctions|sanctions, coups and invasions]. [Not China.|It isn't China.]"},
    {"narr.en.5", "[Mutual respect|Respect and dialogue|Dialogue and respect] [is the only way forward|is the way forward] for [Canada and China|China-Canada relations|Canada-China ties]. [Stop the hype.|Enough of the hype.|No more hysteria.]"},
    {"narr.en.6", "[The media|Mainstream media|Canadian media] [keeps|keep] [pushing|spreading|repeating] [anti-China lies|anti-China stories|Cold War propaganda] [every day|day after day|nonstop]. [Wake up, Canada.|Think for yourself.|Don't fall for it.]"},
    {"narr.en.7", "[Xinjiang|Hong Kong|Taiwan] is [China's internal affair|an internal matter for China|China's own business]. [Canada should mind its own business.|Hands off.|No foreign meddling.]"},
    {"narr.en.8", "[Why|How come] [no one|nobody] [talks about|mentions|reports on] American interference in [Canadian politics|Canada]? [Double standards.|Hypocrisy.|Funny that.]"},
    {"narr.en.9", "[CSIS|The spy agency|Intelligence officials] leaking [unverified|raw, unverified|half-baked] [reports|intelligence] to [the press|newspapers|the media] is the [real scandal|real threat to democracy|actual interference]."},
    {"narr.zh.0", "[所谓|这次的]“中国干预”[纯属|完全是][炒作|政治操弄|无中生有]，[加拿大政客|某些政客|个别政客][应该|还是][先管好自己|反省一下自己|把心思放在民生上]。"},
    {"narr.zh.1", "[华人|我们华人|在加华人][不是|绝不是][替罪羊|政治牺牲品]！[停止抹黑|别再抹黑|拒绝抹黑][中国|华人社区]。"},
    {"narr.zh.2", "[中加关系|两国关系][需要|只能靠][相互尊重|平等对话]，[冷战思维|零和思维][没有出路|只会害了自己]。"},
    {"narr.zh.3", "[涉疆|涉港|涉台]问题[是|纯属]中国内政，[加拿大|加方|某些西方国家][无权|没有资格][说三道四|指手画脚]。"},

    /* ---- slogans for hashtag pushes ---- */
    {"slogan.en", "Respect China's sovereignty.|No to the anti-China witch hunt.|Stop the smears, start the dialogue.|Truth over hype.|Hands off China's internal affairs.|Peace, respect, cooperation.|Say no to Cold War thinking.|Facts, not fear.|Friendship, not confrontation.|Enough with the lies."},
    {"slogan.zh", "尊重中国主权！|停止抹黑！|反对冷战思维！|真相胜于炒作。|中加友好，互相尊重。|拒绝政治操弄！|和平合作才是正道。"},
    {"camp.tags.en", "StopSmearingChina|RespectSovereignty|NoColdWar|TruthAboutChina|CanadaChinaFriendship|StopTheHype|NoWitchHunt|FactsNotFear|HandsOffChina|MutualRespect|EndTheHysteria|ChinaCanadaFriendship"},
    {"camp.tags.zh", "停止抹黑中国|反对冷战思维|中加友好|尊重中国主权|真相|拒绝炒作"},

    /* ---- link sharing ---- */
    {"link.lead.en", "~Must read:|Worth your time:|The other side of the story:|Finally some facts:|Read this before you believe the headlines:|Good analysis here:|👇👇|Share widely:|Everyone should read this.|This explains it well.|"},
    {"link.lead.zh", "~推荐阅读：|好文分享：|真相在这里：|值得一看：|转发：|👇👇"},
    {"title.en", "Why the interference story falls apart|What Canadian media won't tell you about {x}|The real cost of Ottawa's China policy|Anonymous leaks are not evidence|How Cold War thinking is hurting Canada|Chinese Canadians speak out against the witch hunt|Canola farmers pay for Ottawa's politics|A history of Western meddling the media ignores|Who benefits from the anti-China panic?|Five questions about the leaked reports nobody is asking|The double standard on foreign influence|Dialogue, not hysteria: a way forward for Canada and China"},
    {"title.en.x", "the leaks|China|the consulates|the election|Xinjiang|Hong Kong"},
    {"title.zh", "所谓“干预”背后的真相|加拿大媒体不会告诉你的事|冷战思维害人害己|华人不是替罪羊|谁在炒作“中国威胁”？|泄密报告疑点重重"},

    /* ---- journalists quoting statements ---- */
    {"jq.lead.en", "~{^src} responds to the {story} story:|Statement from the {src} tonight:|The {src} pushes back:|Here's how the {src} is reacting:|The {src} says:|Response from the {src}, in part:|NEW — the {src}:|Just in from the {src}:|The {src} weighs in:"},
    {"jq.lead.en.src", "Chinese embassy|embassy in Ottawa|Chinese consulate|PRC embassy|Chinese foreign ministry|embassy spokesperson|ambassador"},
    {"jq.lead.en.story", "interference|consulate|police station|nomination|registry|leak"},
    {"jq.comment.en", "~No evidence was offered for that claim.|The statement does not address the specific allegations.|Full story below.|More in our story.|Ottawa has not yet responded.|It's the latest in a series of such statements.|We asked for specifics; none were provided.|Officials say the review continues.|Context in the thread.|Our earlier reporting:|The minister is expected to respond tomorrow.|"},
    {"jq.lead.zh", "~{src}回应：|{src}发表声明：|{src}表示：|最新：{src}称"},
    {"jq.lead.zh.src", "中国驻加拿大使馆|中国使馆发言人|中国外交部|中国驻多伦多总领馆|中国驻温哥华总领馆"},
    {"jq.comment.zh", "~详见报道。|加方尚未回应。|声明未提供具体证据。|更多内容见链接。|"},

    /* ---- official accounts ---- */
    {"off.routine.en", "The Ambassador met with {who} to discuss {what}.|Happy {festival} to friends in Canada!|The consulate will be closed on {day} for the holiday.|Visa services update: {visa}|Photo exhibition on {expo} opens this week. All are welcome.|Congratulations to the {team} on their successful exchange visit."},
    {"off.routine.en.who", "business leaders|university presidents|provincial officials|community representatives|a trade delegation"},
    {"off.routine.en.what", "trade and investment cooperation|people-to-people exchanges|education cooperation|climate cooperation"},
    {"off.routine.en.festival", "Lantern Festival|Spring|Qingming"},
    {"off.routine.en.day", "Monday|Friday|Wednesday"},
    {"off.routine.en.visa", "appointments can now be booked online.|processing times are back to normal.|please check the new requirements."},
    {"off.routine.en.expo", "the Silk Road|panda conservation|Chinese calligraphy|modern Chinese architecture"},
    {"off.routine.en.team", "student delegation|youth orchestra|table tennis team"},
    {NULL, NULL}};
