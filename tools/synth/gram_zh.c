/* gram_zh.c — Chinese grammar for the Chinese-speaking organic community (daily life in
 * Canadian cities, study abroad, Canada-China news and the interference debate in their own
 * words). Written for chorus-synth. */
#include "synth.h"

const GramDef gram_zh[] = {
    {"zh.closer", "~大家怎么看？|唉。|就这样吧。|哈哈。|服了。|真的累了。|太难了。|记录一下。|🙏|😂"},
    {"zh.city", "~温哥华|多伦多|列治文|万锦|本拿比|蒙特利尔|卡尔加里|渥太华|滑铁卢|士嘉堡"},

    {"zh.post.daily", "{s}|{s}{s2}|{s}{closer}|{s}{s2}{closer}"},
    {"zh.post.daily.s", "今天{city}{weather}，{wtail}|周末去{place}吃了{food}，{ftail}|房租又涨了{n:100:450}刀，{rent}|下班路上{commute}，{ctail}|家里的猫{cat}|超市的{item}又涨价了，{ptail}|终于{finally}！|带孩子去{kidplace}玩了一天，{kidtail}"},
    {"zh.post.daily.s2", "生活不易。|明天继续加油。|开心就好。|小确幸。|还是家里舒服。"},
    {"zh.post.daily.weather", "又下雨了|终于出太阳了|下雪了|冷得要命|风特别大|雾很大"},
    {"zh.post.daily.wtail", "只想在家躺着。|出门喝杯奶茶压压惊。|孩子们倒是很开心。|春天什么时候来啊？|车都打不着火。"},
    {"zh.post.daily.place", "列治文|大统华|唐人街|万锦|市中心|铁狮东"},
    {"zh.post.daily.food", "火锅|小笼包|烤鸭|麻辣烫|早茶|牛肉面|烧烤|煎饼果子"},
    {"zh.post.daily.ftail", "味道还不错。|排队排了一个小时。|价格又涨了。|和国内的差不多。|一般般吧。"},
    {"zh.post.daily.rent", "这日子没法过了。|真的考虑搬家了。|工资一分没涨。|房东还说已经很便宜了。"},
    {"zh.post.daily.commute", "天车又停了|堵了一个多小时|公交半天不来|下大雪"},
    {"zh.post.daily.ctail", "到家都八点了。|只能听播客打发时间。|习惯了。"},
    {"zh.post.daily.cat", "把我的咖啡打翻了。|天天五点叫我起床。|又胖了两斤。|睡在我键盘上不走。"},
    {"zh.post.daily.item", "鸡蛋|牛奶|蔬菜|大米|猪肉"},
    {"zh.post.daily.ptail", "以后只能少吃点了。|通胀太可怕了。|还是去批发店吧。"},
    {"zh.post.daily.finally", "约到家庭医生了|考过驾照了|把税报完了|找到工作了"},
    {"zh.post.daily.kidplace", "科学馆|水族馆|公园|图书馆"},
    {"zh.post.daily.kidtail", "累并快乐着。|孩子玩疯了。|回来倒头就睡。"},

    {"zh.post.study", "{s}|{s}{closer}"},
    {"zh.post.study.s", "论文deadline快到了，{dl}|签证还在审理中，{visa}|这学期选了{n:4:6}门课，{course}|实习面试了{n:3:12}家，{job}|宿舍楼下的{canteen}，{ctail}"},
    {"zh.post.study.dl", "通宵中。|咖啡续命。|还一个字没写。|导师还没回邮件。"},
    {"zh.post.study.visa", "等得好焦虑。|已经三个月了。|希望下周有消息。"},
    {"zh.post.study.course", "感觉要秃了。|教授人很好。|作业多到离谱。"},
    {"zh.post.study.job", "还没有回音。|终于拿到一个offer！|找工作太难了。"},
    {"zh.post.study.canteen", "食堂|咖啡店|中餐馆"},
    {"zh.post.study.ctail", "又涨价了。|今天居然有饺子。|排队的人超多。"},

    {"zh.post.cachina", "{s}|{s}{s2}|{s}{closer}"},
    {"zh.post.cachina.s", "加中关系{rel}|机票又贵了，回国一趟{flight}|听说{news}，{view}|国内的朋友问我{ask}，{answer}"},
    {"zh.post.cachina.s2", "希望早点好起来。|普通人最无奈。|谁也说不清。"},
    {"zh.post.cachina.rel", "最近又紧张了。|什么时候才能缓和？|对在加华人影响很大。|越来越复杂了。"},
    {"zh.post.cachina.flight", "要花两万多。|还得转机。|暑假根本订不到。"},
    {"zh.post.cachina.news", "油菜籽出口又出问题了|留学签证要收紧|两国要恢复对话|新大使已经到任"},
    {"zh.post.cachina.view", "不知道是真是假。|希望是好消息。|又要折腾了。"},
    {"zh.post.cachina.ask", "加拿大现在怎么样|要不要回国发展|这边华人处境如何"},
    {"zh.post.cachina.answer", "我也不知道怎么回答。|说来话长。|还行吧。"},

    {"zh.post.interf", "{s}|{s}{s2}|{s}{closer}"},
    {"zh.post.interf.s", "最近关于{obj}的新闻越来越多，{view}|大使馆又发声明了，{emb}|同事问我怎么看{obj}，{colleague}|作为华人，{feel}|看了议会听证会，{hearing}"},
    {"zh.post.interf.s2", "希望不要伤及普通华人。|还是要看证据。|政客们各说各话。|两边都在做政治文章。"},
    {"zh.post.interf.obj", "~外国干预选举|中国领馆|所谓海外警察站|联邦选举|外国代理人登记|泄密报告"},
    {"zh.post.interf.view", "说实话真假难辨。|作为华人感觉压力很大。|两边说法完全不一样。|感觉被放大了。|希望能查清楚。"},
    {"zh.post.interf.emb", "还是那几句话。|又说加拿大干涉内政。|感觉没什么新意。|每次都差不多。"},
    {"zh.post.interf.colleague", "我只能说我也不清楚。|有点尴尬。|我说希望调查公开透明。"},
    {"zh.post.interf.feel", "最近出门都有点担心别人的眼光。|觉得我们总是被夹在中间。|希望大家就事论事。"},
    {"zh.post.interf.hearing", "问了半天也没问出什么。|火药味很浓。|信息量挺大的。"},

    {"zh.post.sports", "{s}|{s}{closer}"},
    {"zh.post.sports.s", "猛龙今天{raptors}|加人队{habs}|冰球比赛现场{live}|{player}今晚{pl}"},
    {"zh.post.sports.raptors", "又输了。|赢了{n:5:20}分！|打得太烂了。|终于赢球了。"},
    {"zh.post.sports.habs", "又输了，习惯了。|居然赢了！"},
    {"zh.post.sports.live", "气氛太好了！|冷死了但是值得。"},
    {"zh.post.sports.player", "麦克戴维|马修斯|西亚卡姆"},
    {"zh.post.sports.pl", "又是一场精彩表演。|状态火热。|有点拉胯。"},

    {"zh.reply", "~同意。|说得好！|哈哈哈哈|真的吗？|有链接吗？|不敢苟同。|确实如此。|👍|太真实了😂|+1|我也是！|不一定吧。|这是哪里的消息？"},
    {"zh.quote", "~转发一下。|大家看看。|值得一读。|这个怎么说？|唉。|关注。|真的假的？"},
    {NULL, NULL}};
